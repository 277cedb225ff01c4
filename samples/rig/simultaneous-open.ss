# simultaneous-open: ss snapshots of the sockets of port 8120 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200392.789817522: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8120 or dport = :8120 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=10.98.1.1 ms=150 t0=1796200392.945339 t1=1796200392.960234
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   9 (estab 0, closed 9, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=10.98.2.2 ms=150 t0=1796200392.953355 t1=1796200392.973519
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   5 (estab 0, closed 5, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 2 ns=client host=10.98.1.1 ms=345 t0=1796200393.142340 t1=1796200393.161908
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
ESTAB 0      0          10.98.1.1:9120    10.98.2.2:8120       
# ss -s
Total: 4
TCP:   9 (estab 0, closed 8, orphaned 1, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 2 ns=server host=10.98.2.2 ms=345 t0=1796200393.138363 t1=1796200393.157733
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
ESTAB 0      0          10.98.2.2:8120    10.98.1.1:9120       
# ss -s
Total: 3
TCP:   5 (estab 1, closed 4, orphaned 1, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         1         0        
INET	  1         1         0        
FRAG	  0         0         0        

# snapshot 3 ns=client host=10.98.1.1 ms=447 t0=1796200393.241820 t1=1796200393.260132
State      Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
FIN-WAIT-2 0      0          10.98.1.1:9120    10.98.2.2:8120       
# ss -s
Total: 3
TCP:   9 (estab 0, closed 9, orphaned 1, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=10.98.2.2 ms=447 t0=1796200393.243856 t1=1796200393.264949
State      Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
CLOSE-WAIT 0      0          10.98.2.2:8120    10.98.1.1:9120       
# ss -s
Total: 2
TCP:   3 (estab 0, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=client host=10.98.1.1 ms=700 t0=1796200393.497980 t1=1796200393.520403
State     Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
TIME-WAIT 0      0          10.98.1.1:9120    10.98.2.2:8120       
# ss -s
Total: 3
TCP:   8 (estab 0, closed 8, orphaned 0, timewait 7)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=10.98.2.2 ms=700 t0=1796200393.499398 t1=1796200393.521902
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 2
TCP:   3 (estab 0, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

