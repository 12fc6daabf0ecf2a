#!/usr/bin/python3
"""Draws demo.map N times in one process with MapScript (map loaded once,
mapObj.draw() into an in-memory image, no PNG encoding in the timing) and
prints the median."""
import statistics, sys, time
import mapscript

m = mapscript.mapObj(sys.argv[1])
n = int(sys.argv[2])
times = []
for _ in range(n):
    t = time.perf_counter()
    img = m.draw()
    times.append(time.perf_counter() - t)
img.save(sys.argv[3])
print("mapserver (mapscript) draw median %.1f ms (n=%d)" % (statistics.median(times) * 1000, n))
