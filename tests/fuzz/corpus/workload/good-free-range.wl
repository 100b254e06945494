# sim: slots=1024
swapout 4 2 tag=a	# pages 0..31 on slots 512..543
free a 0 3		# slots 512, 513, 514
snapshot three freed
expect inuse 29
free a 16 16		# the whole second folio
expect inuse 13
free a			# what is left; the tag may be defined again
expect inuse 0
swapout 0 3 tag=a	# order 0 from cluster 0: slots 1..3
expect inuse 3
