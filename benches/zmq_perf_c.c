/* Column (a0) of benches/zmq_perf.rs: column (a)'s loops as a C program, compiled by the
 * harness at run time and linked to the same libzmq, so a gap between a Rust and a C program
 * making the same calls shows up instead of hiding inside (a).
 *
 *   zmq_perf_c thr <endpoint> <size> <count>   prints the receiver's seconds
 *   zmq_perf_c lat <endpoint> <size> <count>   prints total seconds, mean and p99 one-way us
 *
 * <endpoint> is bound by the receiving side (PULL or REP) and connected to by the other side,
 * through ZMQ_LAST_ENDPOINT (so "tcp://127.0.0.1:*" works). One message (or round trip) is
 * passed before the timing starts, and the two sides start together on a barrier, as in the
 * harness.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static void fail(const char *what)
{
    fprintf(stderr, "zmq_perf_c: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct side {
    void *socket;
    size_t size;
    long count;
    pthread_barrier_t *start;
};

/* Per message: zmq_msg_init_size, memcpy of the payload, zmq_msg_send. */
static void send_one(void *socket, const char *payload, size_t size)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0)
        fail("zmq_msg_init_size");
    memcpy(zmq_msg_data(&msg), payload, size);
    if (zmq_msg_send(&msg, socket, 0) < 0)
        fail("zmq_msg_send");
}

static void *push_side(void *arg)
{
    struct side *s = arg;
    char *payload = malloc(s->size ? s->size : 1);
    memset(payload, 7, s->size);
    pthread_barrier_wait(s->start);
    for (long i = 0; i < s->count; i++)
        send_one(s->socket, payload, s->size);
    free(payload);
    return NULL;
}

/* Receives into one reused message and sends that same message back. */
static void *rep_side(void *arg)
{
    struct side *s = arg;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    pthread_barrier_wait(s->start);
    for (long i = 0; i < s->count; i++) {
        if (zmq_msg_recv(&msg, s->socket, 0) < 0)
            fail("zmq_msg_recv");
        if (zmq_msg_send(&msg, s->socket, 0) < 0)
            fail("zmq_msg_send");
    }
    zmq_msg_close(&msg);
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: zmq_perf_c thr|lat <endpoint> <size> <count>\n");
        return 2;
    }
    int throughput = strcmp(argv[1], "thr") == 0;
    size_t size = strtoul(argv[3], NULL, 10);
    long count = strtol(argv[4], NULL, 10);

    void *ctx = zmq_ctx_new();
    void *bound = zmq_socket(ctx, throughput ? ZMQ_PULL : ZMQ_REP);
    void *connected = zmq_socket(ctx, throughput ? ZMQ_PUSH : ZMQ_REQ);
    if (!bound || !connected)
        fail("zmq_socket");
    if (zmq_bind(bound, argv[2]) != 0)
        fail("zmq_bind");
    char endpoint[512];
    size_t len = sizeof endpoint;
    if (zmq_getsockopt(bound, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        fail("zmq_getsockopt(ZMQ_LAST_ENDPOINT)");
    if (zmq_connect(connected, endpoint) != 0)
        fail("zmq_connect");

    /* The pipe is up before the timing starts. */
    char scratch[16];
    if (zmq_send(connected, "warm-up", 7, 0) != 7 || zmq_recv(bound, scratch, sizeof scratch, 0) != 7)
        fail("warm-up");
    if (!throughput
        && (zmq_send(bound, "warm-up", 7, 0) != 7
            || zmq_recv(connected, scratch, sizeof scratch, 0) != 7))
        fail("warm-up reply");

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 2);
    pthread_t other;
    if (throughput) {
        struct side sender = {connected, size, count, &start};
        pthread_create(&other, NULL, push_side, &sender);
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        pthread_barrier_wait(&start);
        uint64_t t0 = now_ns();
        for (long i = 0; i < count; i++) {
            int n = zmq_msg_recv(&msg, bound, 0);
            if (n < 0)
                fail("zmq_msg_recv");
            if ((size_t)n != size) {
                fprintf(stderr, "zmq_perf_c: got %d bytes, expected %zu\n", n, size);
                return 1;
            }
        }
        uint64_t t1 = now_ns();
        zmq_msg_close(&msg);
        pthread_join(other, NULL);
        printf("%.9f\n", (double)(t1 - t0) / 1e9);
    } else {
        struct side server = {bound, size, count, &start};
        pthread_create(&other, NULL, rep_side, &server);
        char *payload = malloc(size ? size : 1);
        memset(payload, 7, size);
        uint64_t *samples = malloc(sizeof(uint64_t) * (size_t)(count > 0 ? count : 1));
        zmq_msg_t reply;
        zmq_msg_init(&reply);
        pthread_barrier_wait(&start);
        for (long i = 0; i < count; i++) {
            uint64_t t0 = now_ns();
            send_one(connected, payload, size);
            if (zmq_msg_recv(&reply, connected, 0) < 0)
                fail("zmq_msg_recv");
            samples[i] = now_ns() - t0;
        }
        zmq_msg_close(&reply);
        pthread_join(other, NULL);
        qsort(samples, (size_t)count, sizeof samples[0], by_value);
        double total = 0;
        for (long i = 0; i < count; i++)
            total += (double)samples[i];
        long p99_index = (count * 99 + 99) / 100 - 1;
        if (p99_index < 0)
            p99_index = 0;
        printf("%.9f %.3f %.3f\n", total / 1e9, total / (double)(count > 0 ? count : 1) / 2000.0,
               (double)samples[p99_index] / 2000.0);
        free(samples);
        free(payload);
    }
    pthread_barrier_destroy(&start);
    zmq_close(connected);
    zmq_close(bound);
    zmq_ctx_term(ctx);
    return 0;
}
