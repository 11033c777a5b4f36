/*
 * ceiling.c PORT [THREADS]: the fastest a server can answer /health on
 * this machine, for serve.sh to set beside brul-serve and the peer:
 * THREADS (2) threads, each with an epoll of its own on one listener,
 * every read taken as one request (wrk sends one at a time on each
 * connection) and answered with /health's bytes.  No parsing, no routing,
 * no headers read: what is left is the kernel's work and wrk's, which any
 * server pays.  Not a server to use.
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char answer[] = "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    "{\"status\":\"ok\"}";

static void *
serve(void *arg)
{
	int lsn = *(int *)arg, ep = epoll_create1(0), one = 1;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	struct epoll_event got[64];
	char buf[4096];

	if (ep < 0)
		err(1, "epoll_create1");
	ev.data.fd = lsn;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lsn, &ev) < 0)
		err(1, "epoll_ctl");
	for (;;) {
		int n = epoll_wait(ep, got, 64, -1);

		for (int k = 0; k < n; k++) {
			int fd = got[k].data.fd;

			if (fd == lsn) {
				if ((fd = accept4(lsn, NULL, NULL,
				    SOCK_NONBLOCK)) < 0)
					continue;
				setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
					   sizeof one);
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
					close(fd);
			} else if (read(fd, buf, sizeof buf) <= 0 ||
			    write(fd, answer, sizeof answer - 1) < 0) {
				close(fd);
			}
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int lsn, one = 1, threads = argc > 2 ? atoi(argv[2]) : 2;
	pthread_t t;

	if (argc < 2 || argc > 3 || threads < 1)
		errx(2, "usage: ceiling PORT [THREADS]");
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lsn = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		err(1, "socket");
	setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lsn, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(lsn, 1024) < 0)
		err(1, "port %s", argv[1]);
	while (--threads > 0)
		if (pthread_create(&t, NULL, serve, &lsn) != 0)
			errx(1, "pthread_create failed");
	serve(&lsn);
	return 0;
}
