# expect: wl-args 3
swapout 0 1 tag=a
unmap a a
