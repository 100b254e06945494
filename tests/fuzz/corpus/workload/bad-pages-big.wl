# expect: wl-count 2
swapout 14 16385 tag=a
