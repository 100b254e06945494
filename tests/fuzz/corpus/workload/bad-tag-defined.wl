# expect: wl-tag-defined 3
swapout 0 1 tag=a
swapout 0 1 tag=a
