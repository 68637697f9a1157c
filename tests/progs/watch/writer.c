/*
 * writer.c: append a log to a file the way a busy process does, for the
 * watcher's tests and benchmark.
 *
 *	writer [-s SEED] [-c MAXCHUNK] [-u MAXSLEEP_US] [-d SECONDS]
 *	    [-n REPEATS] [-t TIMES] [-m MARK] SOURCE FILE
 *
 * The text of SOURCE is appended to FILE REPEATS times (or for SECONDS)
 * in chunks of random size (1 to MAXCHUNK bytes, so lines are often cut
 * across writes), with a random pause after each chunk.  The file stays
 * open, as a sanitizer's log does.  With -t, each time a line starting
 * with MARK has been written completely, "N SECONDS.NANOS" (N counting
 * from 1) is appended to TIMES: the benchmark measures latency from it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char	*times = NULL, *mark = "SUMMARY:";
	unsigned	 seed = 1, maxchunk = 512, maxsleep = 2000;
	long		 repeats = 1, seconds = 0, done = 0, marks = 0;
	char		*text, *p;
	size_t		 len, cap = 0, off, n, marklen, i, line_start;
	FILE		*src, *tf = NULL;
	double		 end = 0;
	int		 ch, fd;

	while ((ch = getopt(argc, argv, "s:c:u:d:n:t:m:")) != -1) {
		switch (ch) {
		case 's': seed = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'c': maxchunk = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'u': maxsleep = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': seconds = strtol(optarg, NULL, 10); break;
		case 'n': repeats = strtol(optarg, NULL, 10); break;
		case 't': times = optarg; break;
		case 'm': mark = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind != 2 || maxchunk == 0) {
		fprintf(stderr, "usage: writer [options] SOURCE FILE\n");
		return 2;
	}
	if ((src = fopen(argv[optind], "r")) == NULL) {
		perror(argv[optind]);
		return 2;
	}
	text = NULL;
	len = 0;
	for (;;) {
		if (len == cap)
			text = realloc(text, cap = cap ? cap * 2 : 65536);
		if ((n = fread(text + len, 1, cap - len, src)) == 0)
			break;
		len += n;
	}
	fclose(src);
	if ((fd = open(argv[optind + 1], O_WRONLY | O_APPEND | O_CREAT,
	    0644)) == -1) {
		perror(argv[optind + 1]);
		return 2;
	}
	if (times != NULL && (tf = fopen(times, "a")) == NULL) {
		perror(times);
		return 2;
	}
	srand(seed);
	marklen = strlen(mark);
	if (seconds > 0)
		end = now() + (double)seconds;
	while (seconds > 0 ? now() < end : done < repeats) {
		line_start = 0;
		for (off = 0; off < len; off += n) {
			n = 1 + (size_t)rand() % maxchunk;
			if (n > len - off)
				n = len - off;
			if (write(fd, text + off, n) != (ssize_t)n) {
				perror("write");
				return 2;
			}
			/* Lines completed by this chunk. */
			for (i = off; i < off + n; i++) {
				if (text[i] != '\n')
					continue;
				p = text + line_start;
				if (tf != NULL && i - line_start >= marklen &&
				    memcmp(p, mark, marklen) == 0)
					fprintf(tf, "%ld %.6f\n", ++marks,
					    now());
				line_start = i + 1;
			}
			if (maxsleep > 0)
				usleep((useconds_t)(rand() % maxsleep));
		}
		done++;
	}
	if (tf != NULL)
		fclose(tf);
	close(fd);
	return 0;
}
