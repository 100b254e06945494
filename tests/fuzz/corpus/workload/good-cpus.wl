# sim: slots=2048 cpus=2
swapout 0 2 tag=rr		# round robin: one folio on each CPU
cpu 1
swapout 0 1 tag=one
cpu rr
swapout 0 1 tag=pinned cpu=0
expect inuse 4
