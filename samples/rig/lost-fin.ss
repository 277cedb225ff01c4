# lost-fin: ss snapshots of the sockets of port 8114 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200448.423205024: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8114 or dport = :8114 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200448.583464 t1=1796200448.604645
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   7 (estab 0, closed 7, orphaned 0, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200448.582418 t1=1796200448.602453
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8114      0.0.0.0:*          
# ss -s
Total: 3
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=240 t0=1796200448.667370 t1=1796200448.684988
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:39552    10.98.2.2:8114       
# ss -s
Total: 3
TCP:   8 (estab 0, closed 7, orphaned 1, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=240 t0=1796200448.669469 t1=1796200448.689630
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8114      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8114    10.98.1.1:39552       
# ss -s
Total: 5
TCP:   4 (estab 1, closed 2, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=376 t0=1796200448.805446 t1=1796200448.826115
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-1 0      1          10.98.1.1:39552    10.98.2.2:8114       
# ss -s
Total: 3
TCP:   8 (estab 0, closed 7, orphaned 1, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=376 t0=1796200448.802342 t1=1796200448.819995
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8114      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8114    10.98.1.1:39552       
# ss -s
Total: 5
TCP:   4 (estab 1, closed 2, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=559 t0=1796200448.985388 t1=1796200449.003029
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:39552    10.98.2.2:8114       
# ss -s
Total: 3
TCP:   8 (estab 0, closed 8, orphaned 1, timewait 5)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=559 t0=1796200448.989699 t1=1796200449.010882
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8114      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8114    10.98.1.1:39552       
# ss -s
Total: 4
TCP:   3 (estab 0, closed 1, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 5 ns=client host=10.98.1.1 ms=800 t0=1796200449.230727 t1=1796200449.251656
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:39552    10.98.2.2:8114       
# ss -s
Total: 2
TCP:   7 (estab 0, closed 7, orphaned 0, timewait 5)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 5 ns=server host=10.98.2.2 ms=800 t0=1796200449.226606 t1=1796200449.245606
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8114      0.0.0.0:*          
# ss -s
Total: 3
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

