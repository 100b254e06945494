# expect: wl-cpu 2
cpu 1024
