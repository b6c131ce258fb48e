# A Python application logging through the standard library's handlers, for
# tests/bench/bench_rotation.sh: writes COUNT numbered lines "<stream> <seq>"
# and appends "<stream> <seq> w" per line to RECORD (what checkseq reads).
#   python3 pylog.py rotating|timed|watched PATH STREAM COUNT RATE RECORD
import logging, logging.handlers, sys, time

mode, path, stream, count, rate, rec = sys.argv[1:7]
count, rate = int(count), float(rate)
if mode == "rotating":
    h = logging.handlers.RotatingFileHandler(path, maxBytes=60000, backupCount=5)
elif mode == "timed":
    h = logging.handlers.TimedRotatingFileHandler(path, when="S", interval=1, backupCount=30)
else:   # reopens the file when logrotate replaced it (create mode)
    h = logging.handlers.WatchedFileHandler(path)
h.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
log = logging.getLogger("app.worker")
log.addHandler(h)
log.setLevel(logging.INFO)
t0 = time.monotonic()
with open(rec, "a") as r:
    for i in range(count):
        log.info("%s %d %s", stream, i, "x" * 150)
        r.write("%s %d w\n" % (stream, i))
        due = t0 + (i + 1) / rate
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
h.close()
