# sim: slots=1024
# Cache-only folios are reclaimed once swap is more than half full: the
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
