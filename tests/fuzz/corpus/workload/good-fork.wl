# sim: slots=1024
swapout 0 4 tag=a		# slots 1..4, count 1
fork a				# count 2
fork a				# count 3
snapshot forked
free a				# count 2
free a 1 2			# slots 2, 3: count 1
snapshot partly freed
free a
expect inuse 2
free a
expect inuse 0
