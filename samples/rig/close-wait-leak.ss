# close-wait-leak: ss snapshots of the sockets of port 8129 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796187163.429789270: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are date +%s.%N (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8129 or dport = :8129 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1098
# snapshot 1 ns=client host=10.98.1.1 ms=840 t0=1796187164.273352496 t1=1796187164.281837519
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:56398    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56406    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56410    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   208 (estab 0, closed 208, orphaned 0, timewait 203)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=840 t0=1796187164.273350723 t1=1796187164.281848344
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8129      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56398       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56410       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56406       
# ss -s
Total: 7
TCP:   5 (estab 3, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  4         4         0        
INET	  4         4         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=1640 t0=1796187165.073409652 t1=1796187165.083145064
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:56398    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56406    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56410    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56420    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56434    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56436    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56452    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   215 (estab 0, closed 215, orphaned 0, timewait 207)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=1640 t0=1796187165.073420813 t1=1796187165.081608954
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8129      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56452       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56434       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56398       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56410       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56406       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56436       
# ss -s
Total: 10
TCP:   8 (estab 6, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  7         7         0        
INET	  7         7         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=2440 t0=1796187165.873313339 t1=1796187165.881846683
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:56398    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56406    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56410    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56420    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56434    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56436    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56452    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56456    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56458    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56466    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56478    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 211)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=2440 t0=1796187165.873235447 t1=1796187165.879391265
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8129      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56452       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56434       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56398       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56410       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56406       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56478       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56466       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56436       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56458       
# ss -s
Total: 13
TCP:   11 (estab 9, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  10        10        0        
INET	  10        10        0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=3240 t0=1796187166.673327655 t1=1796187166.679780454
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:56398    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56406    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56410    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56420    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56434    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56436    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56452    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56456    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56458    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56466    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56478    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56482    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56492    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56494    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56506    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   229 (estab 0, closed 229, orphaned 0, timewait 215)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=3240 t0=1796187166.673512720 t1=1796187166.683584413
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8129      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56506       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56452       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56492       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56434       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56398       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56494       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56410       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56406       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56478       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56466       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56436       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56458       
# ss -s
Total: 16
TCP:   14 (estab 12, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  13        13        0        
INET	  13        13        0        
FRAG	  0         0         0        

# snapshot 5 ns=client host=10.98.1.1 ms=4240 t0=1796187167.673758912 t1=1796187167.683879618
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:56398    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56406    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56410    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56420    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56434    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56436    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56452    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56456    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56458    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56466    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56478    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56482    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56492    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56494    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56506    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:56522    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56538    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56554    10.98.2.2:8129       
FIN-WAIT-2 0      0          10.98.1.1:56560    10.98.2.2:8129       
TIME-WAIT  0      0          10.98.1.1:60286    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   237 (estab 0, closed 237, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 5 ns=server host=10.98.2.2 ms=4240 t0=1796187167.673940763 t1=1796187167.681194083
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8129      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56506       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56452       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56492       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56434       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56398       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56494       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56410       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56406       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56478       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56538       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56466       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56436       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56458       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56554       
CLOSE-WAIT 0      0          10.98.2.2:8129    10.98.1.1:56560       
# ss -s
Total: 19
TCP:   17 (estab 15, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  16        16        0        
INET	  16        16        0        
FRAG	  0         0         0        

# snapshot 6 ns=client host=10.98.1.1 ms=6200 t0=1796187169.633892657 t1=1796187169.640670671
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:56398    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56406    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56410    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56420    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56434    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56436    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56452    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56456    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56458    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56466    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56478    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56482    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56492    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56494    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56506    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56522    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56538    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56554    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:56560    10.98.2.2:8129       
TIME-WAIT 0      0          10.98.1.1:60286    10.98.2.2:8129       
# ss -s
Total: 3
TCP:   222 (estab 0, closed 222, orphaned 0, timewait 220)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 6 ns=server host=10.98.2.2 ms=6200 t0=1796187169.633728348 t1=1796187169.643370833
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8129      0.0.0.0:*          
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

