# sim: slots=1024
swapout 0 4 tag=z
swapout 0 4 tag=y
zswap z
zero y
snapshot zero on
zero y off
zswap z on
