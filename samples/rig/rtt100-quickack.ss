# rtt100-quickack: ss snapshots of the sockets of port 8126 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200432.685723787: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8126 or dport = :8126 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200432.843025 t1=1796200432.861961
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

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200432.846955 t1=1796200432.867516
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8126      0.0.0.0:*          
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=275 t0=1796200432.966684 t1=1796200432.986474
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1          10.98.1.1:34956    10.98.2.2:8126       
# ss -s
Total: 4
TCP:   4 (estab 1, closed 3, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=275 t0=1796200432.965573 t1=1796200432.985749
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      1          10.98.2.2:8126      0.0.0.0:*           
SYN-RECV 0      0          10.98.2.2:8126    10.98.1.1:34956       
# ss -s
Total: 3
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=400 t0=1796200433.092825 t1=1796200433.112265
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:34956    10.98.2.2:8126       
# ss -s
Total: 4
TCP:   5 (estab 1, closed 4, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=400 t0=1796200433.093248 t1=1796200433.115916
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8126      0.0.0.0:*           
ESTAB  0      44         10.98.2.2:8126    10.98.1.1:34956       
# ss -s
Total: 5
TCP:   4 (estab 1, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=527 t0=1796200433.218656 t1=1796200433.241327
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-1 0      1          10.98.1.1:34956    10.98.2.2:8126       
# ss -s
Total: 2
TCP:   5 (estab 0, closed 5, orphaned 1, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=527 t0=1796200433.216442 t1=1796200433.237745
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      1          10.98.2.2:8126      0.0.0.0:*           
LAST-ACK 0      1          10.98.2.2:8126    10.98.1.1:34956       
# ss -s
Total: 5
TCP:   4 (estab 0, closed 2, orphaned 2, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 5 ns=client host=10.98.1.1 ms=900 t0=1796200433.590196 t1=1796200433.608308
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:34956    10.98.2.2:8126       
# ss -s
Total: 3
TCP:   4 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 5 ns=server host=10.98.2.2 ms=900 t0=1796200433.591689 t1=1796200433.611333
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8126      0.0.0.0:*          
# ss -s
Total: 3
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

