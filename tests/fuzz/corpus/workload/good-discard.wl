# sim: slots=1024 discard=1
swapout 4 1 tag=a
free a				# cluster 1 empty: waits for discard
snapshot pending
discard
