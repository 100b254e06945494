# sim: slots=1024
swapout 2 1 tag=c stage=cache		# slots 512..515: cached, count 0
swapout 2 1 tag=u stage=unmapped mapcount=2	# 516..519: cached, count 2
snapshot after allocation
unmap c				# count 1, still cached
snapshot after unmap
writeback c			# out of the cache
writeback u
expect inuse 8
