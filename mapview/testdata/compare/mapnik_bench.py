#!/usr/bin/python3
"""Renders demo.xml N times in one process (load once, render N times into
an in-memory image, no PNG encoding in the timing) and prints the median."""
import statistics, sys, time
import mapnik

xml, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
minx, miny, maxx, maxy = map(float, sys.argv[4:8])
m = mapnik.Map(1920, 1080)
mapnik.load_map(m, xml)
m.zoom_to_box(mapnik.Box2d(minx, miny, maxx, maxy))
times = []
for _ in range(n):
    im = mapnik.Image(1920, 1080)
    t = time.perf_counter()
    mapnik.render(m, im)
    times.append(time.perf_counter() - t)
im.save(out, "png")
print("mapnik render median %.1f ms (n=%d)" % (statistics.median(times) * 1000, n))
