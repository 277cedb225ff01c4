# simultaneous-close: ss snapshots of the sockets of port 8109 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796201412.333566487: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8109 or dport = :8109 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796201412.497348 t1=1796201412.518420
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   4 (estab 0, closed 4, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796201412.491458 t1=1796201412.508911
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8109      0.0.0.0:*          
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=300 t0=1796201412.637388 t1=1796201412.655093
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:52478    10.98.2.2:8109       
# ss -s
Total: 4
TCP:   5 (estab 1, closed 4, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=300 t0=1796201412.642609 t1=1796201412.664430
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8109      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8109    10.98.1.1:52478       
# ss -s
Total: 5
TCP:   4 (estab 1, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=600 t0=1796201412.940723 t1=1796201412.961614
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:52478    10.98.2.2:8109       
# ss -s
Total: 3
TCP:   4 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=600 t0=1796201412.937566 t1=1796201412.955806
State     Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN    0      1          10.98.2.2:8109      0.0.0.0:*           
TIME-WAIT 0      0          10.98.2.2:8109    10.98.1.1:52478       
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

