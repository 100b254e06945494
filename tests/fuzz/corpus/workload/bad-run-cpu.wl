# expect-run: wl-cpu 3
swapout 0 1 tag=a
cpu 3
