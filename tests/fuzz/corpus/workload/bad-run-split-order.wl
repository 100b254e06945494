# expect-run: wl-order 3
swapout 4 1 tag=a stage=cache
split a 12
