# sim: slots=1024
# A forked page swapped in by one process stays in the cache for the other.
swapout 0 2 tag=a
fork a
swapin a
snapshot swapped in
writeback a
expect inuse 2
free a
expect inuse 0
