# sim: slots=1024
# Running out of space is no error: the counters tell.
swapout 4 40 tag=big		# 32 folios fit in cluster 1, 8 fall back to order 0 in cluster 0
expect swpout 4 32
expect swpout_fallback 4 8
swapout 0 1000 tag=rest		# takes what is left of cluster 0
expect inuse 1023
free big
free rest
expect inuse 0
