# sim: slots=1024
# Two 64 KiB folios written out: cluster 1 (cluster 0 holds the header
# and serves order 0 only), slots 512..527 and 528..543.
swapout 4 2 tag=a
expect inuse 32
expect swpout 4 2
expect swpout_fallback 4 0
