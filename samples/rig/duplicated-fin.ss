# duplicated-fin: ss snapshots of the sockets of port 8118 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200469.026050216: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8118 or dport = :8118 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200469.191748 t1=1796200469.213152
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   11 (estab 0, closed 11, orphaned 0, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200469.190810 t1=1796200469.212975
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8118      0.0.0.0:*          
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=240 t0=1796200469.272898 t1=1796200469.292012
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:39020    10.98.2.2:8118       
# ss -s
Total: 4
TCP:   12 (estab 0, closed 11, orphaned 1, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=240 t0=1796200469.271233 t1=1796200469.291000
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8118      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8118    10.98.1.1:39020       
# ss -s
Total: 4
TCP:   4 (estab 1, closed 2, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=324 t0=1796200469.356646 t1=1796200469.375587
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:39020    10.98.2.2:8118       
# ss -s
Total: 3
TCP:   12 (estab 0, closed 12, orphaned 0, timewait 9)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=324 t0=1796200469.355702 t1=1796200469.375104
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8118      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8118    10.98.1.1:39020       
# ss -s
Total: 4
TCP:   3 (estab 1, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=600 t0=1796200469.632538 t1=1796200469.653463
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:39020    10.98.2.2:8118       
# ss -s
Total: 3
TCP:   11 (estab 0, closed 11, orphaned 0, timewait 9)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=600 t0=1796200469.633164 t1=1796200469.655743
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8118      0.0.0.0:*          
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

