# sim: slots=1024 sync=1
# zram-like device: the 64 KiB folio comes back whole.
swapout 4 2 tag=a
swapin a
expect swpin 4 2
expect inuse 0
swapout 4 1 tag=b
free b 3 1			# a hole: no whole folio any more
swapin b 4			# pages 0-1 as order 1, 2 alone, 4-7 order 2, 8-15 order 3
expect swpin 1 1
expect swpin 2 1
expect swpin 3 1
expect inuse 0
