#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds network latency: every chunk is forwarded RTT/2 milliseconds after it
arrived, in each direction, in order, without limiting throughput (so one request/response exchange costs one RTT,
as over a real network). Byte-transparent: TLS and HTTP/2 pass through. Appends a line to CONNECTIONS_FILE for
every connection it accepts. Prints its port on stdout once listening.
Usage: latency_proxy.py TARGET_PORT RTT_MS CONNECTIONS_FILE"""
import asyncio, os, signal, sys

target_port, rtt_ms, connections_file = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
delay = rtt_ms / 2000.0
connections = open(connections_file, "a", buffering=1)

async def pump(reader, writer):
    """Copies reader to writer, each chunk RTT/2 late. A reset or an error on either side ends this direction (and the
    other one's end of file follows): nothing is left pending and nothing escapes to asyncio's error handler."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        try:
            while True:
                data = await reader.read(65536)
                await queue.put((loop.time() + delay, data))
                if not data:
                    return
        except Exception:
            await queue.put((loop.time(), b""))

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                if not data:
                    writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
            except Exception:
                return

    await asyncio.gather(read(), write(), return_exceptions=True)

# The connections being served: asyncio's streams drop their reference to a connection's task when the client side
# closes, and a task nobody references is destroyed while it still forwards the other direction.
serving = set()

async def handle(client_reader, client_writer):
    connections.write("connection\n")
    me = asyncio.current_task()
    serving.add(me)
    try:
        await forward(client_reader, client_writer)
    finally:
        serving.discard(me)

async def forward(client_reader, client_writer):
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pump(client_reader, upstream_writer), pump(upstream_reader, client_writer),
                         return_exceptions=True)
    for w in (client_writer, upstream_writer):
        try:
            w.close()
        except Exception:
            pass

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    # Stopped by the benchmark: exit at once (the connections file is line-buffered), without asyncio's complaints
    # about the connections still open.
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, os._exit, 0)
    async with server:
        await asyncio.Event().wait()

asyncio.run(main())
