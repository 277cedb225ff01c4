/*
 * scenario.c - plays one side of a small TCP scenario for the sample recorder.
 *
 *   scenario server NAME ADDR PORT   listen on ADDR:PORT, serve one connection
 *   scenario client NAME ADDR PORT   connect to ADDR:PORT and play the client
 *
 * ADDR is an IPv4 or IPv6 literal. The server prints "listening" on stdout
 * once it accepts connections; both sides print what they do. Run
 * "scenario list" for the scenario names. Only libc is used.
 *
 * Environment (used by the scenarios of tests/rig/):
 *   SCENARIO_BIND_PORT=N  the client binds this local port before connect()
 *   SCENARIO_AT=NS        the client calls connect() at this CLOCK_REALTIME
 *                         instant (ns since the epoch), busy-waiting for it;
 *                         for the paced scenarios below, the first connection
 *                         or SYN, the others paced from it
 *   SCENARIO_HOLD=NS      the server keeps its listener open until this
 *                         CLOCK_REALTIME instant before it closes it and
 *                         exits (the rig: until its last ss snapshot)
 *
 * Scenarios of many connections (the rig's host view):
 *   time-wait-pileup   200 connections one after another in 4 bursts of 50,
 *                      one every 1.5 s; each a request and a response, the
 *                      client closes first, the server on EOF: the client
 *                      keeps 200 sockets in TIME_WAIT
 *   close-wait-leak    20 connections, one every 200 ms; the client closes
 *                      each after the response; the server closes only every
 *                      fourth on EOF and leaks the others in CLOSE_WAIT until
 *                      1.5 s after the last one, then closes them all
 *   campaign:SEED:N    N connections, one every CAMPAIGN_GAP_MS, each with an
 *                      ending drawn from SEED (client-close, server-close,
 *                      half-close, client-abort, server-abort, refused,
 *                      simultaneous-close, keepalive-close); the client tells
 *                      the server the ending in its first bytes and prints
 *                      "conn PORT ENDING" (its local port) for each; refused
 *                      connections come from local ports 20000+i, which the
 *                      rig's firewall answers with a RST (tests/rig/campaign.sh)
 *   syn-flood-backlog  the server listens with backlog 16 and never accepts;
 *                      the client sends 50 SYNs from spoofed addresses
 *                      (10.98.1.101-150, a raw socket, IPv4 only), 40 ms apart,
 *                      that never answer the SYN+ACK
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char REQUEST[] = "GET /index.html HTTP/1.0\r\nHost: tcps\r\n\r\n";
static const char RESPONSE[] = "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n";

static const char *role = "?";

/* The scenarios of many connections (see the top). */
#define PILEUP_CONNS	200	/* time-wait-pileup */
#define PILEUP_BURST	50
#define PILEUP_BURST_EVERY_MS	1500
#define LEAK_CONNS	20	/* close-wait-leak */
#define LEAK_EVERY_MS	200
#define LEAK_HOLD_MS	1500
#define FLOOD_BACKLOG	16	/* syn-flood-backlog */
#define FLOOD_SYNS	50
#define FLOOD_EVERY_MS	40
#define CAMPAIGN_GAP_MS	40	/* campaign:SEED:N */
#define CAMPAIGN_REFUSED_PORT	20000	/* below the ephemeral ports */

static const char *const campaign_endings[] = {
	"client-close", "server-close", "half-close", "client-abort",
	"server-abort", "refused", "simultaneous-close", "keepalive-close",
};
#define CAMPAIGN_ENDINGS ((int)(sizeof(campaign_endings) / sizeof(campaign_endings[0])))

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", role);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", role, what, strerror(errno));
	exit(1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Parse ADDR/PORT into a sockaddr; returns its length. */
static socklen_t make_addr(const char *addr, const char *port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		return sizeof(*sin6);
	}
	fprintf(stderr, "bad address: %s\n", addr);
	exit(2);
}

static void set_int(int fd, int level, int opt, int val, const char *name)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)) < 0)
		die(name);
}

static void send_str(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		die("write");
	say("sent %zu bytes", strlen(s));
}

/* One read(); returns its result, reporting data, EOF or error. */
static ssize_t recv_once(int fd)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0)
		say("read %zd bytes", n);
	else if (n == 0)
		say("read EOF");
	else
		say("read error: %s", strerror(errno));
	return n;
}

/* Read until EOF or error. */
static void recv_all(int fd)
{
	while (recv_once(fd) > 0)
		;
}

/* close() that sends RST instead of FIN: SO_LINGER on with timeout 0. */
static void abort_close(int fd)
{
	struct linger lg = { 1, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		die("SO_LINGER");
	close(fd);
	say("aborted (SO_LINGER 0 + close)");
}

static void do_close(int fd)
{
	close(fd);
	say("closed");
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* best effort */
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep until CLOCK_REALTIME >= t (ns since the epoch). */
static void sleep_until(long long t)
{
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Until CLOCK_REALTIME >= t: asleep until 2 ms before, then busy-waiting,
 * to wake up on time without holding a CPU for long. */
static void spin_until(long long t)
{
	sleep_until(t - 2000000LL);
	while (now_ns() < t)
		;
}

/*
 * Simultaneous close: the server picks an instant 200 ms ahead and sends it
 * as its response; at that instant both sides call shutdown(SHUT_WR), so
 * both FINs leave before either arrives (if the race is won).
 */
static void simultaneous_shutdown(int fd, long long t)
{
	spin_until(t);
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
	say("shutdown(SHUT_WR) at the agreed instant");
	recv_all(fd);
	/*
	 * Wait for the last ACK first: close() in CLOSING would log a
	 * CLOSING -> CLOSING no-op in the trace (tcp_close_state()).
	 */
	sleep_ms(50);
	do_close(fd);
}

static void server(const char *name, int fd)
{
	if (!strcmp(name, "client-close") || !strcmp(name, "ipv6-client-close")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);
		sleep_ms(100);		/* our delayed ACK of the FIN goes first */
		do_close(fd);
	} else if (!strcmp(name, "server-close")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		sleep_ms(50);
		do_close(fd);
	} else if (!strcmp(name, "merged-finack") || !strcmp(name, "time-wait-pileup")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);
		do_close(fd);		/* at once: FIN carries the pending ACK */
	} else if (!strcmp(name, "quickack-four-way")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		/*
		 * Quick-ACK mode does not stick (the kernel leaves it by
		 * itself), so turn it on right before the read that sees EOF.
		 */
		set_int(fd, IPPROTO_TCP, TCP_QUICKACK, 1, "TCP_QUICKACK");
		recv_all(fd);
		/*
		 * Not enough on its own: the arriving FIN puts the socket back
		 * into delayed-ACK mode, so the ACK of the client's FIN is still
		 * pending here (without this second call it rides on our FIN).
		 * TCP_QUICKACK set in CLOSE_WAIT sends the pending ACK at once.
		 */
		set_int(fd, IPPROTO_TCP, TCP_QUICKACK, 1, "TCP_QUICKACK");
		do_close(fd);
	} else if (!strcmp(name, "client-rst")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);		/* ends with ECONNRESET */
		do_close(fd);
	} else if (!strcmp(name, "server-rst")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		sleep_ms(50);
		abort_close(fd);
	} else if (!strcmp(name, "half-close")) {
		recv_all(fd);		/* request, then the client's FIN */
		sleep_ms(50);		/* our delayed ACK (~40 ms) goes first */
		for (int i = 1; i <= 3; i++) {
			char chunk[64];

			sleep_ms(50);
			snprintf(chunk, sizeof(chunk),
				 "chunk %d of 3 after your FIN\n", i);
			send_str(fd, chunk);
		}
		sleep_ms(50);
		do_close(fd);
	} else if (!strcmp(name, "simultaneous-close")) {
		char go[64];
		long long t = now_ns() + 200000000LL;

		pin_cpu(1);
		recv_once(fd);
		snprintf(go, sizeof(go), "GO %lld\n", t);
		send_str(fd, go);
		simultaneous_shutdown(fd, t);
	} else if (!strcmp(name, "data-then-fin") || !strcmp(name, "keepalive-idle")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);
		sleep_ms(100);
		do_close(fd);
	} else if (!strcmp(name, "rst-in-teardown")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);		/* request... then the client's FIN */
		abort_close(fd);	/* RST answers the FIN */
	} else if (!strcmp(name, "close-wait-held")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		sleep_ms(50);
		if (shutdown(fd, SHUT_WR) < 0)	/* FIN, but keep the socket */
			die("shutdown");
		say("shutdown(SHUT_WR)");
		recv_all(fd);		/* the client never closes: killed here */
	} else if (!strcmp(name, "chatty")) {
		while (recv_once(fd) > 0)
			send_str(fd, RESPONSE);
		do_close(fd);
	} else {
		fprintf(stderr, "server: unknown scenario %s\n", name);
		exit(2);
	}
}

static void client(const char *name, int fd)
{
	if (!strcmp(name, "client-close") || !strcmp(name, "ipv6-client-close") ||
	    !strcmp(name, "merged-finack") || !strcmp(name, "quickack-four-way")) {
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(50);
		do_close(fd);
	} else if (!strcmp(name, "server-close")) {
		send_str(fd, REQUEST);
		recv_all(fd);		/* response, then the server's FIN */
		do_close(fd);		/* at once: FIN carries the pending ACK */
	} else if (!strcmp(name, "client-rst")) {
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(50);
		abort_close(fd);
	} else if (!strcmp(name, "server-rst")) {
		send_str(fd, REQUEST);
		recv_all(fd);		/* response, then ECONNRESET */
		do_close(fd);
	} else if (!strcmp(name, "half-close")) {
		send_str(fd, REQUEST);
		sleep_ms(50);
		if (shutdown(fd, SHUT_WR) < 0)
			die("shutdown");
		say("shutdown(SHUT_WR)");
		recv_all(fd);		/* three chunks, then the server's FIN */
		do_close(fd);
	} else if (!strcmp(name, "simultaneous-close")) {
		char buf[64] = "";
		long long t;
		ssize_t n;

		pin_cpu(0);
		send_str(fd, REQUEST);
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0 || sscanf(buf, "GO %lld", &t) != 1) {
			fprintf(stderr, "client: no GO instant from server\n");
			exit(1);
		}
		say("read GO instant");
		simultaneous_shutdown(fd, t);
	} else if (!strcmp(name, "data-then-fin")) {
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(50);
		send_str(fd, "bye\n");
		do_close(fd);		/* FIN right behind the data */
	} else if (!strcmp(name, "rst-in-teardown")) {
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(50);
		if (shutdown(fd, SHUT_WR) < 0)
			die("shutdown");
		say("shutdown(SHUT_WR)");
		recv_all(fd);		/* ECONNRESET */
		do_close(fd);
	} else if (!strcmp(name, "close-wait-held")) {
		send_str(fd, REQUEST);
		recv_all(fd);		/* response, then the server's FIN */
		say("holding the socket open");
		sleep_ms(60000);	/* never closes: killed before */
	} else if (!strcmp(name, "keepalive-idle")) {
		set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, 1, "TCP_KEEPIDLE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, 1, "TCP_KEEPINTVL");
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(2500);		/* idle: a probe about every second */
		do_close(fd);
	} else if (!strcmp(name, "chatty")) {
		for (int i = 0; i < 8; i++) {
			send_str(fd, REQUEST);
			recv_once(fd);
		}
		sleep_ms(50);
		do_close(fd);
	} else if (!strcmp(name, "simopen-a")) {
		/* both ends connect()ed; this one asks and closes first */
		send_str(fd, REQUEST);
		recv_once(fd);
		sleep_ms(50);
		do_close(fd);
	} else if (!strcmp(name, "simopen-b")) {
		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);
		sleep_ms(100);
		do_close(fd);
	} else {
		fprintf(stderr, "client: unknown scenario %s\n", name);
		exit(2);
	}
}

static int accept_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("accept");
	say("accepted");
	return fd;
}

/*
 * close-wait-leak: every connection is served up to the client's FIN (our
 * socket in CLOSE_WAIT); every fourth is closed at once, the others are
 * leaked until LEAK_HOLD_MS after the last one, then all closed.
 */
static void close_wait_leak_server(int lfd)
{
	int leaked[LEAK_CONNS], nleaked = 0;

	for (int i = 0; i < LEAK_CONNS; i++) {
		int fd = accept_one(lfd);

		recv_once(fd);
		send_str(fd, RESPONSE);
		recv_all(fd);		/* the client's FIN: CLOSE_WAIT */
		if (i % 4 == 3) {
			do_close(fd);
		} else {
			leaked[nleaked++] = fd;
			say("leaking connection %d in CLOSE_WAIT", i + 1);
		}
	}
	sleep_ms(LEAK_HOLD_MS);
	for (int i = 0; i < nleaked; i++)
		do_close(leaked[i]);
}

static void campaign(const char *spec, int server_side, int lfd, const struct sockaddr_storage *ss,
		     socklen_t len);

static void run_server(const char *name, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, port, &ss);
	int lfd, fd;

	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	set_int(lfd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (bind(lfd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(lfd, !strcmp(name, "syn-flood-backlog") ? FLOOD_BACKLOG :
		   !strncmp(name, "campaign:", 9) ? 128 : 1) < 0)
		die("listen");
	say("listening");
	if (!strcmp(name, "full-backlog") || !strcmp(name, "syn-flood-backlog")) {
		/* never accept: two connections fill the queue of 1 (Linux
		 * accepts backlog + 1), a third SYN is dropped; or SYNs that
		 * never complete the handshake fill the SYN queue */
		sleep_ms(60000);
		return;
	}
	if (!strncmp(name, "campaign:", 9)) {
		campaign(name, 1, lfd, &ss, len);
		return;
	}
	if (!strcmp(name, "time-wait-pileup") || !strcmp(name, "close-wait-leak")) {
		if (!strcmp(name, "time-wait-pileup"))
			for (int i = 0; i < PILEUP_CONNS; i++)
				server(name, accept_one(lfd));
		else
			close_wait_leak_server(lfd);
		/* still listening at the last snapshot: killed after it */
		sleep_ms(60000);
		return;
	}
	if (!strcmp(name, "tw-reuse")) {
		/* first connection: we close first and end in TIME_WAIT */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		say("accepted");
		server("server-close", fd);
		/* second one, same 4-tuple: its SYN meets our TIME_WAIT */
		name = "client-close";
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	say("accepted");
	server(name, fd);
	if (getenv("SCENARIO_HOLD"))
		sleep_until(atoll(getenv("SCENARIO_HOLD")));
	close(lfd);		/* the listener goes LISTEN -> CLOSE last */
}

/* A connected socket to ADDR (SCENARIO_BIND_PORT, SCENARIO_AT apply); -1 if
 * connect() failed (reported). */
static int connect_to(const struct sockaddr_storage *ss, socklen_t len, int syncnt);

/* Connects, sends REQUEST, reads the answer and closes first. */
static void short_request(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = connect_to(ss, len, 0);

	if (fd < 0)
		exit(1);
	send_str(fd, REQUEST);
	recv_once(fd);
	do_close(fd);
}

static int connect_to(const struct sockaddr_storage *ss, socklen_t len, int syncnt)
{
	const char *bind_port = getenv("SCENARIO_BIND_PORT");
	const char *at = getenv("SCENARIO_AT");
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (syncnt)
		set_int(fd, IPPROTO_TCP, TCP_SYNCNT, syncnt, "TCP_SYNCNT");
	if (bind_port) {
		struct sockaddr_storage me;

		memset(&me, 0, sizeof(me));
		me.ss_family = ss->ss_family;
		if (ss->ss_family == AF_INET)
			((struct sockaddr_in *)&me)->sin_port = htons(atoi(bind_port));
		else
			((struct sockaddr_in6 *)&me)->sin6_port = htons(atoi(bind_port));
		set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
		if (bind(fd, (struct sockaddr *)&me, len) < 0)
			die("bind");
	}
	if (at)
		spin_until(atoll(at));
	if (connect(fd, (const struct sockaddr *)ss, len) < 0) {
		say("connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	say("connected");
	return fd;
}

/* The Internet checksum of p[0..len), added to sum. */
static uint16_t inet_csum(const unsigned char *p, int len, uint32_t sum)
{
	for (int i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/*
 * syn-flood-backlog: FLOOD_SYNS SYNs (MSS option only) to ADDR:PORT from
 * 10.98.1.101, .102, ... port 40001, 40002, ..., through a raw socket: no
 * socket of ours, nobody answers the SYN+ACKs (the rig drops them).
 */
static void syn_flood(const char *addr, const char *port)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);	/* IP_HDRINCL */
	long long t0 = getenv("SCENARIO_AT") ? atoll(getenv("SCENARIO_AT")) : now_ns();

	if (fd < 0)
		die("raw socket");
	if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1) {
		fprintf(stderr, "syn-flood-backlog: IPv4 only: %s\n", addr);
		exit(2);
	}
	for (int i = 0; i < FLOOD_SYNS; i++) {
		unsigned char pkt[44] = { 0 }, *ip = pkt, *tcp = pkt + 20, pseudo[12 + 24];
		struct in_addr src;
		char text[INET_ADDRSTRLEN];

		sleep_until(t0 + i * FLOOD_EVERY_MS * 1000000LL);
		snprintf(text, sizeof(text), "10.98.1.%d", 101 + i);
		inet_pton(AF_INET, text, &src);
		ip[0] = 0x45;
		put16(ip + 2, sizeof(pkt));
		put16(ip + 4, i + 1);		/* id */
		ip[6] = 0x40;			/* DF */
		ip[8] = 64;			/* TTL */
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, &src, 4);
		memcpy(ip + 16, &dst.sin_addr, 4);
		put16(ip + 10, inet_csum(ip, 20, 0));
		put16(tcp, 40001 + i);
		put16(tcp + 2, atoi(port));
		put32(tcp + 4, 1000000u * (i + 1));	/* ISN */
		tcp[12] = 6 << 4;		/* 24-byte header */
		tcp[13] = 0x02;			/* SYN */
		put16(tcp + 14, 64240);		/* window */
		tcp[20] = 2;			/* MSS 1460 */
		tcp[21] = 4;
		put16(tcp + 22, 1460);
		memcpy(pseudo, ip + 12, 8);
		pseudo[8] = 0;
		pseudo[9] = IPPROTO_TCP;
		put16(pseudo + 10, 24);
		memcpy(pseudo + 12, tcp, 24);
		put16(tcp + 16, inet_csum(pseudo, sizeof(pseudo), 0));
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			die("sendto");
		say("SYN %d from %s:%d", i + 1, text, 40001 + i);
	}
	close(fd);
}

/* The ending of connection i of campaign SEED (splitmix64). */
static int campaign_ending(unsigned long long seed, int i)
{
	unsigned long long z = seed * 0x9e3779b97f4a7c15ULL + (unsigned long long)i * 0xbf58476d1ce4e5b9ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (int)(z % CAMPAIGN_ENDINGS);
}

static int local_port(int fd)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);

	if (getsockname(fd, (struct sockaddr *)&me, &len) < 0)
		return -1;
	return ntohs(me.ss_family == AF_INET ? ((struct sockaddr_in *)&me)->sin_port
					     : ((struct sockaddr_in6 *)&me)->sin6_port);
}

/* One campaign connection with ending e; the client side. */
static void campaign_conn(const struct sockaddr_storage *ss, socklen_t len, int i, int e)
{
	char hello[160];
	int fd;

	if (e == 5) {	/* refused: the rig's firewall resets SYNs from these ports */
		char p[16];

		snprintf(p, sizeof(p), "%d", CAMPAIGN_REFUSED_PORT + i);
		setenv("SCENARIO_BIND_PORT", p, 1);
		say("conn %d %s", CAMPAIGN_REFUSED_PORT + i, campaign_endings[e]);
		fd = connect_to(ss, len, 0);
		if (fd >= 0)
			do_close(fd);
		return;
	}
	fd = connect_to(ss, len, 0);
	if (fd < 0)
		return;
	say("conn %d %s", local_port(fd), campaign_endings[e]);
	if (e == 7) {
		set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, 1, "TCP_KEEPIDLE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, 1, "TCP_KEEPINTVL");
	}
	if (e == 6)	/* both shut down at this instant */
		snprintf(hello, sizeof(hello), "E%d %lld %s", e, now_ns() + 300000000LL, REQUEST);
	else
		snprintf(hello, sizeof(hello), "E%d 0 %s", e, REQUEST);
	send_str(fd, hello);
	switch (e) {
	case 0: recv_once(fd); do_close(fd); break;
	case 1: recv_all(fd); do_close(fd); break;
	case 2: shutdown(fd, SHUT_WR); recv_all(fd); do_close(fd); break;
	case 3: recv_once(fd); abort_close(fd); break;
	case 4: recv_all(fd); close(fd); break;
	case 6: {
		long long t = atoll(hello + 3);
		recv_once(fd);
		simultaneous_shutdown(fd, t);
		break;
	}
	default: recv_once(fd); sleep_ms(2500); do_close(fd); break;
	}
}

/* The server side of one campaign connection: the ending comes first. */
static void campaign_serve(int fd)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int e;

	if (n < 3 || buf[0] != 'E') {
		close(fd);
		return;
	}
	buf[n] = 0;
	e = buf[1] - '0';
	say("serving %s", e >= 0 && e < CAMPAIGN_ENDINGS ? campaign_endings[e] : "?");
	switch (e) {
	case 1: send_str(fd, RESPONSE); do_close(fd); break;
	case 2: recv_all(fd); send_str(fd, RESPONSE); do_close(fd); break;
	case 4: abort_close(fd); break;
	case 6: send_str(fd, RESPONSE); simultaneous_shutdown(fd, atoll(buf + 3)); break;
	default: send_str(fd, RESPONSE); recv_all(fd); do_close(fd); break;
	}
}

/* campaign:SEED:N, either side: connections in child processes. */
static void campaign(const char *spec, int server_side, int lfd, const struct sockaddr_storage *ss,
		     socklen_t len)
{
	unsigned long long seed = strtoull(spec + 9, NULL, 10);
	const char *c = strchr(spec + 9, ':');
	int n = c ? atoi(c + 1) : 0;
	long long t0 = getenv("SCENARIO_AT") ? atoll(getenv("SCENARIO_AT")) : now_ns();

	if (server_side) {
		for (;;) {	/* until killed */
			int fd = accept_one(lfd);

			if (fork() == 0) {
				close(lfd);
				campaign_serve(fd);
				exit(0);
			}
			close(fd);
		}
	}
	for (int i = 0; i < n; i++) {
		sleep_until(t0 + i * CAMPAIGN_GAP_MS * 1000000LL);
		if (fork() == 0) {
			unsetenv("SCENARIO_AT");
			campaign_conn(ss, len, i, campaign_ending(seed, i));
			exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
}

static void run_client(const char *name, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(addr, port, &ss);
	int fd;

	if (!strncmp(name, "campaign:", 9)) {
		campaign(name, 0, -1, &ss, len);
		return;
	}
	if (!strcmp(name, "tw-reuse")) {
		/* server closes first; then the same 4-tuple again */
		fd = connect_to(&ss, len, 0);
		if (fd < 0)
			exit(1);
		client("server-close", fd);
		sleep_ms(200);
		fd = connect_to(&ss, len, 0);
		if (fd < 0)
			exit(1);
		client("client-close", fd);
		return;
	}
	if (!strcmp(name, "time-wait-pileup")) {
		long long t0 = getenv("SCENARIO_AT") ? atoll(getenv("SCENARIO_AT")) : now_ns();

		/* one after another, in bursts; each ends in TIME_WAIT here */
		for (int i = 0; i < PILEUP_CONNS; i++) {
			if (i % PILEUP_BURST == 0)
				sleep_until(t0 + i / PILEUP_BURST * PILEUP_BURST_EVERY_MS * 1000000LL);
			short_request(&ss, len);
		}
		return;
	}
	if (!strcmp(name, "close-wait-leak")) {
		long long t0 = getenv("SCENARIO_AT") ? atoll(getenv("SCENARIO_AT")) : now_ns();

		for (int i = 0; i < LEAK_CONNS; i++) {
			sleep_until(t0 + i * LEAK_EVERY_MS * 1000000LL);
			short_request(&ss, len);
		}
		return;
	}
	if (!strcmp(name, "syn-flood-backlog")) {
		syn_flood(addr, port);
		return;
	}
	if (!strcmp(name, "full-backlog")) {
		/* two connections fill the accept queue, the third waits */
		for (int i = 0; i < 3; i++) {
			fd = connect_to(&ss, len, 0);
			if (fd < 0)
				exit(1);
			sleep_ms(100);
		}
		sleep_ms(60000);
		return;
	}
	/*
	 * unanswered-syn gives up after ~7 s (1 + 2 + 4 s: two retransmissions'
	 * worth); kernels with tcp_syn_linear_timeouts resend every 1 s meanwhile.
	 */
	fd = connect_to(&ss, len, !strcmp(name, "unanswered-syn") ? 2 : 0);
	if (fd < 0)
		/* refused and unanswered-syn are meant to fail */
		exit(strcmp(name, "refused") && strcmp(name, "unanswered-syn"));
	client(name, fd);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list")) {
		puts("client-close server-close merged-finack quickack-four-way "
		     "client-rst server-rst refused unanswered-syn "
		     "simultaneous-close half-close ipv6-client-close "
		     "data-then-fin rst-in-teardown close-wait-held keepalive-idle "
		     "chatty simopen-a simopen-b tw-reuse full-backlog "
		     "time-wait-pileup close-wait-leak syn-flood-backlog campaign:SEED:N");
		return 0;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: %s server|client NAME ADDR PORT\n"
			"       %s list\n", argv[0], argv[0]);
		return 2;
	}
	role = argv[1];
	if (!strcmp(role, "server"))
		run_server(argv[2], argv[3], argv[4]);
	else if (!strcmp(role, "client"))
		run_client(argv[2], argv[3], argv[4]);
	else {
		fprintf(stderr, "role must be server or client\n");
		return 2;
	}
	return 0;
}
