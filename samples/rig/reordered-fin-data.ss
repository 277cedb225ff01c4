# reordered-fin-data: ss snapshots of the sockets of port 8117 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200463.984455681: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8117 or dport = :8117 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200464.144675 t1=1796200464.157894
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 4
TCP:   10 (estab 0, closed 10, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200464.154838 t1=1796200464.179079
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8117      0.0.0.0:*          
# ss -s
Total: 4
TCP:   3 (estab 0, closed 2, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=240 t0=1796200464.231199 t1=1796200464.253620
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:54374    10.98.2.2:8117       
# ss -s
Total: 3
TCP:   11 (estab 0, closed 10, orphaned 1, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=240 t0=1796200464.227491 t1=1796200464.245041
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8117      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8117    10.98.1.1:54374       
# ss -s
Total: 5
TCP:   4 (estab 1, closed 2, orphaned 1, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=341 t0=1796200464.329068 t1=1796200464.346896
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:54374    10.98.2.2:8117       
# ss -s
Total: 3
TCP:   11 (estab 0, closed 11, orphaned 0, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=341 t0=1796200464.331523 t1=1796200464.351193
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8117      0.0.0.0:*           
CLOSE-WAIT 0      0          10.98.2.2:8117    10.98.1.1:54374       
# ss -s
Total: 4
TCP:   3 (estab 1, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=600 t0=1796200464.592630 t1=1796200464.613032
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:54374    10.98.2.2:8117       
# ss -s
Total: 3
TCP:   10 (estab 0, closed 10, orphaned 0, timewait 8)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=600 t0=1796200464.589556 t1=1796200464.606673
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8117      0.0.0.0:*          
# ss -s
Total: 4
TCP:   2 (estab 0, closed 1, orphaned 0, timewait 0)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

