# full-backlog: ss snapshots of the sockets of port 8123 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200408.236408368: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8123 or dport = :8123 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200408.398278 t1=1796200408.415802
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   9 (estab 0, closed 9, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200408.397170 t1=1796200408.415741
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8123      0.0.0.0:*          
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=450 t0=1796200408.696187 t1=1796200408.714104
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB    0      0          10.98.1.1:59914    10.98.2.2:8123       
ESTAB    0      0          10.98.1.1:59926    10.98.2.2:8123       
SYN-SENT 0      1          10.98.1.1:59928    10.98.2.2:8123       
# ss -s
Total: 5
TCP:   13 (estab 2, closed 10, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=450 t0=1796200408.694400 t1=1796200408.714006
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 2      1          10.98.2.2:8123      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59914       
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59926       
# ss -s
Total: 5
TCP:   9 (estab 2, closed 6, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=2500 t0=1796200410.744660 t1=1796200410.763326
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB    0      0          10.98.1.1:59914    10.98.2.2:8123       
ESTAB    0      0          10.98.1.1:59926    10.98.2.2:8123       
SYN-SENT 0      1          10.98.1.1:59928    10.98.2.2:8123       
# ss -s
Total: 6
TCP:   13 (estab 2, closed 10, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=2500 t0=1796200410.744636 t1=1796200410.763334
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 2      1          10.98.2.2:8123      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59914       
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59926       
# ss -s
Total: 6
TCP:   9 (estab 2, closed 6, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=3600 t0=1796200411.843170 t1=1796200411.862941
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB    0      0          10.98.1.1:59914    10.98.2.2:8123       
ESTAB    0      0          10.98.1.1:59926    10.98.2.2:8123       
SYN-SENT 0      1          10.98.1.1:59928    10.98.2.2:8123       
# ss -s
Total: 6
TCP:   13 (estab 2, closed 10, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=3600 t0=1796200411.844139 t1=1796200411.862956
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 2      1          10.98.2.2:8123      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59914       
ESTAB  0      0          10.98.2.2:8123    10.98.1.1:59926       
# ss -s
Total: 5
TCP:   9 (estab 2, closed 6, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  3         3         0        
INET	  3         3         0        
FRAG	  0         0         0        

