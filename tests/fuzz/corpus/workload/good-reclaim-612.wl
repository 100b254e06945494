# sim: slots=1024 kernel=612
# v6.12's allocator: cache-only folios are reclaimed too, and the
# tag that held them holds nothing afterwards and can be defined again.
swapout 0 511 tag=c stage=cache	# all of cluster 0, cache only
swapout 0 512 tag=w			# all of cluster 1: the device is full
swapout 0 10 tag=x			# room only by reclaiming cluster 0
free c					# nothing left to free
swapout 0 1 tag=c
free x
free w
free c
expect inuse 0
