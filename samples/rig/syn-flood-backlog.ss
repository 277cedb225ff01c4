# syn-flood-backlog: ss snapshots of the sockets of port 8130 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796187173.963035511: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are date +%s.%N (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8130 or dport = :8130 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1098
# snapshot 1 ns=client host=10.98.1.1 ms=600 t0=1796187174.567445782 t1=1796187174.576959375
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  1         1         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=600 t0=1796187174.567463985 t1=1796187174.576999720
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      16         10.98.2.2:8130      0.0.0.0:*           
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.102:40002       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.103:40003       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.108:40008       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.107:40007       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.105:40005       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.106:40006       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.101:40001       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.104:40004       
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=1200 t0=1796187175.167374382 t1=1796187175.176634047
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  1         1         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=1200 t0=1796187175.167332975 t1=1796187175.174008245
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      16         10.98.2.2:8130      0.0.0.0:*           
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.102:40002       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.103:40003       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.109:40009       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.108:40008       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.107:40007       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.112:40012       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.116:40016       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.111:40011       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.115:40015       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.105:40005       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.110:40010       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.114:40014       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.106:40006       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.101:40001       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.117:40017       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.104:40004       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.113:40013       
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=2600 t0=1796187176.567252326 t1=1796187176.574273671
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=2600 t0=1796187176.566982369 t1=1796187176.577531172
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      16         10.98.2.2:8130      0.0.0.0:*           
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.102:40002       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.103:40003       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.109:40009       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.108:40008       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.107:40007       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.112:40012       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.116:40016       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.111:40011       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.115:40015       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.105:40005       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.110:40010       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.114:40014       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.106:40006       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.101:40001       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.117:40017       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.104:40004       
SYN-RECV 0      0          10.98.2.2:8130  10.98.1.113:40013       
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=4500 t0=1796187178.466702336 t1=1796187178.473093464
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=4500 t0=1796187178.467443344 t1=1796187178.476589650
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      16         10.98.2.2:8130      0.0.0.0:*          
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

