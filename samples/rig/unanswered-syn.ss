# unanswered-syn: ss snapshots of the sockets of port 8108 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200371.192394383: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8108 or dport = :8108 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=500 t0=1796200371.697463 t1=1796200371.711642
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1          10.98.1.1:58384    10.98.2.2:8108       
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=500 t0=1796200371.704980 t1=1796200371.725237
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 2
TCP:   3 (estab 0, closed 3, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=1500 t0=1796200372.701403 t1=1796200372.720554
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1          10.98.1.1:58384    10.98.2.2:8108       
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=1500 t0=1796200372.696423 t1=1796200372.715006
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 2
TCP:   3 (estab 0, closed 3, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=3000 t0=1796200374.201761 t1=1796200374.223030
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1          10.98.1.1:58384    10.98.2.2:8108       
# ss -s
Total: 3
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 3)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=3000 t0=1796200374.199628 t1=1796200374.218610
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   3 (estab 0, closed 3, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

