# tw-reuse: ss snapshots of the sockets of port 8121 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200397.798601593: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8121 or dport = :8121 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200397.966763 t1=1796200397.987913
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   10 (estab 0, closed 9, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200397.957660 t1=1796200397.971945
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8121      0.0.0.0:*          
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=240 t0=1796200398.042325 t1=1796200398.059586
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:9121    10.98.2.2:8121       
# ss -s
Total: 4
TCP:   11 (estab 0, closed 10, orphaned 2, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=240 t0=1796200398.046119 t1=1796200398.065791
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8121      0.0.0.0:*          
ESTAB  0      0          10.98.2.2:8121    10.98.1.1:9121       
# ss -s
Total: 3
TCP:   6 (estab 0, closed 5, orphaned 1, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=372 t0=1796200398.179735 t1=1796200398.201679
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 2
TCP:   9 (estab 0, closed 9, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=372 t0=1796200398.174997 t1=1796200398.193867
State     Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN    0      1          10.98.2.2:8121      0.0.0.0:*          
TIME-WAIT 0      0          10.98.2.2:8121    10.98.1.1:9121       
# ss -s
Total: 3
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=508 t0=1796200398.312063 t1=1796200398.330989
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:9121    10.98.2.2:8121       
# ss -s
Total: 3
TCP:   11 (estab 0, closed 10, orphaned 1, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=508 t0=1796200398.315465 t1=1796200398.336153
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8121      0.0.0.0:*          
ESTAB  0      0          10.98.2.2:8121    10.98.1.1:9121       
# ss -s
Total: 4
TCP:   6 (estab 1, closed 4, orphaned 1, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 5 ns=client host=10.98.1.1 ms=611 t0=1796200398.417221 t1=1796200398.438735
State      Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:9121    10.98.2.2:8121       
# ss -s
Total: 3
TCP:   11 (estab 0, closed 11, orphaned 1, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 5 ns=server host=10.98.2.2 ms=611 t0=1796200398.414496 t1=1796200398.433536
State      Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN     0      1          10.98.2.2:8121      0.0.0.0:*          
CLOSE-WAIT 0      0          10.98.2.2:8121    10.98.1.1:9121       
# ss -s
Total: 5
TCP:   5 (estab 1, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 6 ns=client host=10.98.1.1 ms=900 t0=1796200398.703984 t1=1796200398.721956
State     Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:9121    10.98.2.2:8121       
# ss -s
Total: 3
TCP:   10 (estab 0, closed 10, orphaned 0, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 6 ns=server host=10.98.2.2 ms=900 t0=1796200398.707853 t1=1796200398.728686
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8121      0.0.0.0:*          
# ss -s
Total: 4
TCP:   4 (estab 0, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

