# expect: wl-number 2
swapout 0 +1 tag=a
