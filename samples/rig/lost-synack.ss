# lost-synack: ss snapshots of the sockets of port 8112 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200437.464726248: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8112 or dport = :8112 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200437.623231 t1=1796200437.641678
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   5 (estab 0, closed 5, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200437.628922 t1=1796200437.652021
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8112      0.0.0.0:*          
# ss -s
Total: 3
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=600 t0=1796200438.075068 t1=1796200438.101611
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1          10.98.1.1:37746    10.98.2.2:8112       
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=600 t0=1796200438.068281 t1=1796200438.083065
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      1          10.98.2.2:8112      0.0.0.0:*           
SYN-RECV 0      0          10.98.2.2:8112    10.98.1.1:37746       
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=1253 t0=1796200438.721673 t1=1796200438.735848
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:37746    10.98.2.2:8112       
# ss -s
Total: 4
TCP:   6 (estab 1, closed 5, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=1253 t0=1796200438.729492 t1=1796200438.749739
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8112      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8112    10.98.1.1:37746       
# ss -s
Total: 4
TCP:   4 (estab 1, closed 2, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=1357 t0=1796200438.828692 t1=1796200438.850667
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:37746    10.98.2.2:8112       
# ss -s
Total: 2
TCP:   6 (estab 0, closed 6, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=1357 t0=1796200438.826093 t1=1796200438.845679
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8112      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8112    10.98.1.1:37746       
# ss -s
Total: 4
TCP:   3 (estab 1, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 5 ns=client host=10.98.1.1 ms=1700 t0=1796200439.170314 t1=1796200439.192419
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:37746    10.98.2.2:8112       
# ss -s
Total: 3
TCP:   5 (estab 0, closed 5, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 5 ns=server host=10.98.2.2 ms=1700 t0=1796200439.173525 t1=1796200439.197813
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8112      0.0.0.0:*          
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

