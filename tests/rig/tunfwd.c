/*
 * tunfwd.c - the rig's two links: forwards IP packets between TUN devices
 * in different network namespaces, with delay, jitter, loss, duplication and
 * reordering, by probability (seeded) and by deterministic rules.
 *
 *   tunfwd SCENARIO-FILE NAME NS:DEV NS:DEV NS:DEV NS:DEV
 *
 * The four NS:DEV are link a's client end and router end, then link b's
 * router end and server end: existing (persistent) TUN devices, attached by
 * opening /dev/net/tun inside each namespace (setns). Packets read from a
 * link's client end travel "to-server", from its server end "to-client".
 *
 * From the block "scenario NAME" of SCENARIO-FILE it reads:
 *
 *   port N      only TCP segments from or to port N are impaired; others
 *               (leftovers of an earlier scenario) just pass
 *   seed N
 *   link a|b [delay MS] [jitter MS] [loss P] [dup P] [reorder P MS]
 *   rule a|b to-server|to-client drop|dup|delay MS [nth N] [flags F]
 *        [len 0|+] [after-peer-fin]
 *
 * delay is one way; jitter adds uniform 0..MS; reorder P MS holds a packet
 * MS longer with probability P so that later ones overtake it. Otherwise a
 * link keeps order. A rule matches TCP segments whose S,F,R,P,A flags are
 * exactly F (letters, "." alone for a bare ACK), with (len 0) or without
 * (len +) payload, that come after a FIN went the other way on that link
 * (after-peer-fin); with nth N it acts on the Nth match only.
 *
 * Every packet is logged on stdout; "ready" once all devices are attached;
 * on SIGINT/SIGTERM a "rule I fired K" line per rule, then exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAXPKT 65536
#define MAXQ 4096
#define MAXRULES 32

enum { TO_SERVER, TO_CLIENT };

struct pkt {
	long long due;		/* CLOCK_MONOTONIC ns */
	unsigned long seq;	/* arrival order, to break ties */
	int len;
	unsigned char *data;
};

/* One direction of one link. */
struct pipe {
	int in, out;
	char name[16];
	double delay_ms, jitter_ms, loss, dup, reorder, reorder_ms;
	long long last_due;	/* keeps order for packets not held back */
	int peer_fin_seen;	/* a FIN went the other way */
	struct pipe *other;
	struct pkt q[MAXQ];
	int nq;
};

struct rule {
	int link, dir;
	enum { DROP, DUP, DELAY } action;
	double ms;
	int nth;		/* 0: every match */
	int flags;		/* -1: any */
	int len;		/* -1 any, 0 empty, 1 with payload */
	int after_peer_fin;
	int matches, fired;
	char text[160];
};

static struct pipe pipes[2][2];	/* [link][dir] */
static struct rule rules[MAXRULES];
static int nrules;
static uint64_t rng = 88172645463325252ULL;
static int only_port;		/* 0: every packet */
static unsigned long arrivals;
static volatile sig_atomic_t stop;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "tunfwd: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static double rnd(void)		/* xorshift64, [0, 1) */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng >> 11) * (1.0 / 9007199254740992.0);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Attach to TUN device DEV in network namespace NS (NS:DEV). */
static int open_tun(const char *spec)
{
	char ns[64], path[128];
	const char *colon = strchr(spec, ':');
	struct ifreq ifr;
	int nsfd, self, fd;

	if (!colon || colon - spec >= (int)sizeof(ns))
		die("bad NS:DEV %s", spec);
	memcpy(ns, spec, colon - spec);
	ns[colon - spec] = 0;
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY);
	nsfd = open(path, O_RDONLY);
	if (self < 0 || nsfd < 0)
		die("open %s: %s", path, strerror(errno));
	if (setns(nsfd, CLONE_NEWNET) < 0)
		die("setns %s: %s", ns, strerror(errno));
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		die("/dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", colon + 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF %s: %s", spec, strerror(errno));
	if (setns(self, CLONE_NEWNET) < 0)
		die("setns back: %s", strerror(errno));
	close(nsfd);
	close(self);
	return fd;
}

/* TCP flags (S,F,R,P,A bits as in the header), payload length and ports; -1
 * if not TCP. */
static int tcp_info(const unsigned char *p, int len, int *payload, int *sport, int *dport)
{
	int ip_hl, tcp_off, total;

	if (len < 20)
		return -1;
	if ((p[0] >> 4) == 4) {
		ip_hl = (p[0] & 15) * 4;
		if (p[9] != 6 || len < ip_hl + 20)
			return -1;
		total = (p[2] << 8) | p[3];
	} else if ((p[0] >> 4) == 6) {
		ip_hl = 40;
		if (len < 60 || p[6] != 6)
			return -1;
		total = 40 + ((p[4] << 8) | p[5]);
	} else {
		return -1;
	}
	if (total > len)
		total = len;
	*sport = (p[ip_hl] << 8) | p[ip_hl + 1];
	*dport = (p[ip_hl + 2] << 8) | p[ip_hl + 3];
	tcp_off = (p[ip_hl + 12] >> 4) * 4;
	*payload = total - ip_hl - tcp_off;
	if (*payload < 0)
		*payload = 0;
	return p[ip_hl + 13] & 0x1f;	/* FIN SYN RST PSH ACK */
}

static void flag_str(int f, char *buf)
{
	char *b = buf;

	if (f & 0x02) *b++ = 'S';
	if (f & 0x01) *b++ = 'F';
	if (f & 0x04) *b++ = 'R';
	if (f & 0x08) *b++ = 'P';
	if (f & 0x10) *b++ = '.';
	*b = 0;
}

static int parse_flags(const char *s)
{
	int f = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'S': f |= 0x02; break;
		case 'F': f |= 0x01; break;
		case 'R': f |= 0x04; break;
		case 'P': f |= 0x08; break;
		case 'A': case '.': f |= 0x10; break;
		default: die("bad flag %c", *s);
		}
	}
	return f;
}

static void enqueue(struct pipe *pp, const unsigned char *data, int len, long long due)
{
	struct pkt *k;

	if (pp->nq == MAXQ)
		return;		/* queue full: a drop like any router's */
	k = &pp->q[pp->nq++];
	k->due = due;
	k->seq = arrivals++;
	k->len = len;
	k->data = malloc(len);
	if (!k->data)
		die("out of memory");
	memcpy(k->data, data, len);
}

static void handle(int link, int dir, const unsigned char *data, int len)
{
	struct pipe *pp = &pipes[link][dir];
	long long t = now_ns(), due;
	double extra = 0;
	int payload = 0, sport = 0, dport = 0;
	int flags = tcp_info(data, len, &payload, &sport, &dport);
	int drop = 0, copies = 1, held = 0;
	char fs[8] = "-";

	if (flags >= 0)
		flag_str(flags, fs);
	if (only_port && (flags < 0 || (sport != only_port && dport != only_port))) {
		due = t + (long long)(pp->delay_ms * 1e6);
		if (due < pp->last_due)
			due = pp->last_due;
		pp->last_due = due;
		enqueue(pp, data, len, due);
		return;
	}
	for (int i = 0; i < nrules && flags >= 0; i++) {
		struct rule *r = &rules[i];

		if (r->link != link || r->dir != dir)
			continue;
		if (r->flags >= 0 && r->flags != flags)
			continue;
		if (r->len == 0 && payload)
			continue;
		if (r->len == 1 && !payload)
			continue;
		if (r->after_peer_fin && !pp->peer_fin_seen)
			continue;
		r->matches++;
		if (r->nth && r->matches != r->nth)
			continue;
		r->fired++;
		printf("rule %d fires: %s\n", i + 1, r->text);
		if (r->action == DROP)
			drop = 1;
		else if (r->action == DUP)
			copies++;
		else {
			extra += r->ms;
			held = 1;
		}
	}
	if (flags >= 0 && (flags & 0x01))
		pp->other->peer_fin_seen = 1;
	if (!drop && pp->loss > 0 && rnd() < pp->loss)
		drop = 2;
	if (!drop && pp->dup > 0 && rnd() < pp->dup)
		copies++;
	if (!drop && pp->reorder > 0 && rnd() < pp->reorder) {
		extra += pp->reorder_ms;
		held = 1;
	}
	printf("%lld.%09lld link %c %s %s len %d payload %d: %s%s\n",
	       t / 1000000000, t % 1000000000, 'a' + link, pp->name, fs, len, payload,
	       drop == 1 ? "dropped by rule" : drop ? "dropped at random" :
	       copies > 1 ? "duplicated" : "forwarded", held ? " (held back)" : "");
	if (drop)
		return;
	due = t + (long long)((pp->delay_ms + (pp->jitter_ms > 0 ? rnd() * pp->jitter_ms : 0)) * 1e6);
	if (!held) {
		if (due < pp->last_due)
			due = pp->last_due;
		pp->last_due = due;
	}
	due += (long long)(extra * 1e6);
	for (int c = 0; c < copies; c++)
		enqueue(pp, data, len, due + c * 1000LL);	/* a copy 1 us later */
}

/* Send what is due; returns ns until the next packet is due, or -1. */
static long long flush(void)
{
	long long t = now_ns(), next = -1;

	for (int l = 0; l < 2; l++)
		for (int d = 0; d < 2; d++) {
			struct pipe *pp = &pipes[l][d];

			for (;;) {
				int best = -1;

				for (int i = 0; i < pp->nq; i++)
					if (best < 0 || pp->q[i].due < pp->q[best].due ||
					    (pp->q[i].due == pp->q[best].due && pp->q[i].seq < pp->q[best].seq))
						best = i;
				if (best < 0)
					break;
				if (pp->q[best].due > t) {
					if (next < 0 || pp->q[best].due - t < next)
						next = pp->q[best].due - t;
					break;
				}
				if (write(pp->out, pp->q[best].data, pp->q[best].len) < 0 && errno != EAGAIN)
					fprintf(stderr, "tunfwd: write %s: %s\n", pp->name, strerror(errno));
				free(pp->q[best].data);
				pp->q[best] = pp->q[--pp->nq];
			}
		}
	return next;
}

static int word_is(const char *w, const char *s)
{
	return w && !strcmp(w, s);
}

static double num(const char *w)
{
	char *end;
	double v;

	if (!w)
		die("number missing");
	v = strtod(w, &end);
	if (*end)
		die("bad number %s", w);
	return v;
}

static int link_index(const char *w)
{
	if (word_is(w, "a"))
		return 0;
	if (word_is(w, "b"))
		return 1;
	die("link must be a or b");
	return 0;
}

static void parse_line(char *line)
{
	char *w[32], *save = NULL, copy[160];
	int n = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	copy[strcspn(copy, "\n")] = 0;
	for (char *t = strtok_r(line, " \t\n", &save); t && n < 31; t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	w[n] = NULL;
	if (!n)
		return;
	if (word_is(w[0], "port")) {
		only_port = (int)num(w[1]);
	} else if (word_is(w[0], "seed")) {
		rng = (uint64_t)num(w[1]) * 2654435761ULL + 1;
	} else if (word_is(w[0], "link")) {
		int l = link_index(w[1]);

		for (int i = 2; i < n; i++)
			for (int d = 0; d < 2; d++) {
				struct pipe *pp = &pipes[l][d];

				if (word_is(w[i], "delay"))
					pp->delay_ms = num(w[i + 1]);
				else if (word_is(w[i], "jitter"))
					pp->jitter_ms = num(w[i + 1]);
				else if (word_is(w[i], "loss"))
					pp->loss = num(w[i + 1]);
				else if (word_is(w[i], "dup"))
					pp->dup = num(w[i + 1]);
				else if (word_is(w[i], "reorder")) {
					pp->reorder = num(w[i + 1]);
					pp->reorder_ms = num(w[i + 2]);
				}
			}
	} else if (word_is(w[0], "rule")) {
		struct rule *r = &rules[nrules];

		if (nrules == MAXRULES)
			die("too many rules");
		memset(r, 0, sizeof(*r));
		snprintf(r->text, sizeof(r->text), "%s", copy);
		r->link = link_index(w[1]);
		if (word_is(w[2], "to-server"))
			r->dir = TO_SERVER;
		else if (word_is(w[2], "to-client"))
			r->dir = TO_CLIENT;
		else
			die("rule: direction must be to-server or to-client");
		r->flags = -1;
		r->len = -1;
		if (word_is(w[3], "drop"))
			r->action = DROP;
		else if (word_is(w[3], "dup"))
			r->action = DUP;
		else if (word_is(w[3], "delay")) {
			r->action = DELAY;
			r->ms = num(w[4]);
		} else
			die("rule: action must be drop, dup or delay");
		for (int i = r->action == DELAY ? 5 : 4; i < n; i++) {
			if (word_is(w[i], "nth"))
				r->nth = (int)num(w[++i]);
			else if (word_is(w[i], "flags"))
				r->flags = parse_flags(w[++i]);
			else if (word_is(w[i], "len"))
				r->len = word_is(w[++i], "0") ? 0 : 1;
			else if (word_is(w[i], "after-peer-fin"))
				r->after_peer_fin = 1;
			else
				die("rule: unknown word %s", w[i]);
		}
		nrules++;
	}
}

/* Read the lines of block "scenario NAME" (up to the next "scenario"). */
static void load(const char *file, const char *name)
{
	FILE *f = fopen(file, "r");
	char line[512];
	int in = 0, found = 0;

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		char first[64] = "", second[64] = "";

		if (*s == '#')
			continue;
		sscanf(s, "%63s %63s", first, second);
		if (!strcmp(first, "scenario")) {
			in = !strcmp(second, name);
			found |= in;
			continue;
		}
		if (in)
			parse_line(s);
	}
	fclose(f);
	if (!found)
		die("no scenario %s in %s", name, file);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static unsigned char buf[MAXPKT];
	struct pollfd pfd[4];
	int fds[4];

	if (argc != 7)
		die("usage: tunfwd SCENARIO-FILE NAME NS:DEV NS:DEV NS:DEV NS:DEV");
	for (int i = 0; i < 4; i++)
		fds[i] = open_tun(argv[3 + i]);
	for (int l = 0; l < 2; l++) {
		struct pipe *ts = &pipes[l][TO_SERVER], *tc = &pipes[l][TO_CLIENT];

		ts->in = tc->out = fds[2 * l];
		ts->out = tc->in = fds[2 * l + 1];
		ts->other = tc;
		tc->other = ts;
		snprintf(ts->name, sizeof(ts->name), "to-server");
		snprintf(tc->name, sizeof(tc->name), "to-client");
	}
	load(argv[1], argv[2]);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (!stop) {
		long long next = flush();
		struct timespec ts;

		if (next < 0)
			next = 100000000;
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;

		for (int i = 0; i < 4; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		if (ppoll(pfd, 4, &ts, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (int i = 0; i < 4; i++) {
			ssize_t n;

			if (!(pfd[i].revents & POLLIN))
				continue;
			while ((n = read(fds[i], buf, sizeof(buf))) > 0)
				handle(i / 2, i % 2 ? TO_CLIENT : TO_SERVER, buf, (int)n);
		}
	}
	for (int i = 0; i < nrules; i++)
		printf("rule %d fired %d\n", i + 1, rules[i].fired);
	return 0;
}
