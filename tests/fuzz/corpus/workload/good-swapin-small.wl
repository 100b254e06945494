# sim: slots=1024
# Without SWP_SYNCHRONOUS_IO every fault brings one page in.
swapout 4 1 tag=a
swapin a
expect swpin 4 0
expect inuse 0
