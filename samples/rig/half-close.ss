# half-close: ss snapshots of the sockets of port 8110 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200382.830047367: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8110 or dport = :8110 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200383.005486 t1=1796200383.020149
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   7 (estab 0, closed 7, orphaned 0, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200382.986061 t1=1796200382.998167
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8110      0.0.0.0:*          
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=236 t0=1796200383.071349 t1=1796200383.091474
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:34676    10.98.2.2:8110       
# ss -s
Total: 4
TCP:   8 (estab 0, closed 7, orphaned 0, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=236 t0=1796200383.072595 t1=1796200383.095056
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8110      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8110    10.98.1.1:34676       
# ss -s
Total: 4
TCP:   6 (estab 1, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=410 t0=1796200383.247150 t1=1796200383.267511
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:34676    10.98.2.2:8110       
# ss -s
Total: 4
TCP:   8 (estab 0, closed 7, orphaned 0, timewait 4)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=410 t0=1796200383.245449 t1=1796200383.265831
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8110      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8110    10.98.1.1:34676       
# ss -s
Total: 4
TCP:   6 (estab 1, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=700 t0=1796200383.537605 t1=1796200383.559526
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:34676    10.98.2.2:8110       
# ss -s
Total: 2
TCP:   7 (estab 0, closed 7, orphaned 0, timewait 5)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=700 t0=1796200383.536752 t1=1796200383.557966
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8110      0.0.0.0:*          
# ss -s
Total: 3
TCP:   4 (estab 0, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

