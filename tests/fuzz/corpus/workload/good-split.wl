# sim: slots=1024
swapout 4 1 tag=a stage=unmapped	# one order-4 folio in the cache
split a 2			# four order-2 folios, counts kept
snapshot split
split a 4			# larger than they are: nothing to do
writeback a
expect inuse 16
