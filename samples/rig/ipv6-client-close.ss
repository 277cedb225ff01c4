# ipv6-client-close: ss snapshots of the sockets of port 8111 in the client (tsr-cli) and server (tsr-srv) namespaces
# start=1796200387.711612057: the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
#   output of ss -tan '( sport = :8111 or dport = :8111 )' (header line, one line per socket, the
#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
# ss utility, iproute2-6.1.0; kernel 6.18.44-fc-v1045
# snapshot 1 ns=client host=fd00:98:1::1 ms=150 t0=1796200387.870915 t1=1796200387.890200
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
# ss -s
Total: 3
TCP:   8 (estab 0, closed 8, orphaned 0, timewait 5)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 1 ns=server host=fd00:98:2::2 ms=150 t0=1796200387.873231 t1=1796200387.894971
State  Recv-Q Send-Q  Local Address:Port Peer Address:PortProcess
LISTEN 0      1      [fd00:98:2::2]:8111         [::]:*          
# ss -s
Total: 4
TCP:   5 (estab 0, closed 4, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         0         1        
INET	  1         0         1        
FRAG	  0         0         0        

# snapshot 2 ns=client host=fd00:98:1::1 ms=240 t0=1796200387.958806 t1=1796200387.978682
State Recv-Q Send-Q  Local Address:Port    Peer Address:PortProcess
ESTAB 0      0      [fd00:98:1::1]:48960 [fd00:98:2::2]:8111       
# ss -s
Total: 3
TCP:   9 (estab 0, closed 8, orphaned 1, timewait 5)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         0         1        
INET	  1         0         1        
FRAG	  0         0         0        

# snapshot 2 ns=server host=fd00:98:2::2 ms=240 t0=1796200387.958721 t1=1796200387.978729
State  Recv-Q Send-Q  Local Address:Port   Peer Address:Port Process
LISTEN 0      1      [fd00:98:2::2]:8111           [::]:*           
ESTAB  0      0      [fd00:98:2::2]:8111 [fd00:98:1::1]:48960       
# ss -s
Total: 4
TCP:   6 (estab 1, closed 4, orphaned 1, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         0         2        
INET	  2         0         2        
FRAG	  0         0         0        

# snapshot 3 ns=client host=fd00:98:1::1 ms=345 t0=1796200388.063407 t1=1796200388.083868
State      Recv-Q Send-Q  Local Address:Port    Peer Address:PortProcess
FIN-WAIT-2 0      0      [fd00:98:1::1]:48960 [fd00:98:2::2]:8111       
# ss -s
Total: 3
TCP:   9 (estab 0, closed 9, orphaned 1, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 3 ns=server host=fd00:98:2::2 ms=345 t0=1796200388.063997 t1=1796200388.087290
State      Recv-Q Send-Q  Local Address:Port   Peer Address:Port Process
LISTEN     0      1      [fd00:98:2::2]:8111           [::]:*           
CLOSE-WAIT 0      0      [fd00:98:2::2]:8111 [fd00:98:1::1]:48960       
# ss -s
Total: 4
TCP:   5 (estab 0, closed 3, orphaned 1, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  2         0         2        
INET	  2         0         2        
FRAG	  0         0         0        

# snapshot 4 ns=client host=fd00:98:1::1 ms=600 t0=1796200388.319896 t1=1796200388.340288
State     Recv-Q Send-Q  Local Address:Port    Peer Address:PortProcess
TIME-WAIT 0      0      [fd00:98:1::1]:48960 [fd00:98:2::2]:8111       
# ss -s
Total: 3
TCP:   8 (estab 0, closed 8, orphaned 0, timewait 6)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  0         0         0        
INET	  0         0         0        
FRAG	  0         0         0        

# snapshot 4 ns=server host=fd00:98:2::2 ms=600 t0=1796200388.316344 t1=1796200388.334498
State  Recv-Q Send-Q  Local Address:Port Peer Address:PortProcess
LISTEN 0      1      [fd00:98:2::2]:8111         [::]:*          
# ss -s
Total: 4
TCP:   4 (estab 0, closed 3, orphaned 0, timewait 2)

Transport Total     IP        IPv6
RAW	  0         0         0        
UDP	  0         0         0        
TCP	  1         0         1        
INET	  1         0         1        
FRAG	  0         0         0        

