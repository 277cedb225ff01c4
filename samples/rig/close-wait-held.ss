# close-wait-held: ss snapshots of the sockets of port 8122 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200402.853410406: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8122 or dport = :8122 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200403.017500 t1=1796200403.039177
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   10 (estab 0, closed 10, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200403.017783 t1=1796200403.039165
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1          10.98.2.2:8122      0.0.0.0:*          
# ss -s
Total: 3
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=240 t0=1796200403.099332 t1=1796200403.119468
State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:59688    10.98.2.2:8122       
# ss -s
Total: 4
TCP:   11 (estab 1, closed 10, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=240 t0=1796200403.097999 t1=1796200403.117635
State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      1          10.98.2.2:8122      0.0.0.0:*           
ESTAB  0      0          10.98.2.2:8122    10.98.1.1:59688       
# ss -s
Total: 5
TCP:   6 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=1000 t0=1796200403.861747 t1=1796200403.881511
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
CLOSE-WAIT 0      0          10.98.1.1:59688    10.98.2.2:8122       
# ss -s
Total: 4
TCP:   11 (estab 1, closed 10, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=1000 t0=1796200403.861834 t1=1796200403.885211
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8122      0.0.0.0:*           
FIN-WAIT-2 0      0          10.98.2.2:8122    10.98.1.1:59688       
# ss -s
Total: 4
TCP:   6 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=1900 t0=1796200404.761334 t1=1796200404.782331
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
CLOSE-WAIT 0      0          10.98.1.1:59688    10.98.2.2:8122       
# ss -s
Total: 3
TCP:   11 (estab 1, closed 10, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=1900 t0=1796200404.758314 t1=1796200404.778569
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1          10.98.2.2:8122      0.0.0.0:*           
FIN-WAIT-2 0      0          10.98.2.2:8122    10.98.1.1:59688       
# ss -s
Total: 4
TCP:   5 (estab 0, closed 3, orphaned 0, timewait 1)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         2         0        
INET	  2         2         0        
FRAG	  0         0         0        

