# expect: wl-device-late 3
device 64M
device 32M
