{
  # The native unit tests, the microbenchmarks and the lab's probes are built only in a checkout:
  # their sources are not in the npm package, whose install must build the addon alone.
  "variables": {
    "has_native_tests%": "<!(node -p \"require('fs').existsSync('test/native/main.cc')\")",
    "has_lab%": "<!(node -p \"require('fs').existsSync('lab/probes')\")"
  },
  "target_defaults": {
    "include_dirs": ["native"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fexceptions"]
  },
  # Sources are picked by folder, so a new kind (native/<kind>/) needs no line here: every
  # native/*/*.cc but the N-API part (native/addon/ and each kind's *_wrap.cc) is one static
  # library that the addon, the native unit tests and the microbenchmarks link (each takes
  # only the objects it uses: the tests and benchmarks the pure core, parsers, codecs,
  # offload, FDB); the addon is that N-API part. fuzz/Makefile picks them by the same rule.
  "targets": [
    {
      "target_name": "vtepd_core",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "sources": ["<!@(ls native/*/*.cc | grep -v -e '^native/addon/' -e '_wrap[.]cc$')"]
    },
    {
      "target_name": "vtepd",
      "dependencies": ["vtepd_core"],
      "sources": ["<!@(ls native/addon/*.cc native/*/*_wrap.cc)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # _ALL: any std::exception (bad_alloc too) leaving a method or constructor becomes a JS
      # error instead of reaching std::terminate.
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"],
      "libraries": ["-lpthread"]
    }
  ],
  "conditions": [
    ["has_native_tests=='true'", {
      "targets": [
        {
          "target_name": "native_tests",
          "type": "executable",
          "dependencies": ["vtepd_core"],
          "sources": ["<!@(ls test/native/*.cc)"],
          "libraries": ["-lpthread"]
        }
      ]
    }],
    ["has_lab=='true'", {
      "targets": [
        {
          "target_name": "native_micro",
          "type": "executable",
          "dependencies": ["vtepd_core"],
          "sources": ["lab/bench/micro/native_micro.cc"]
        },
        {
          "target_name": "udp_blast",
          "type": "executable",
          "sources": ["lab/probes/udp_blast.c"],
          "cflags": ["-O2", "-Wall"]
        },
        {
          "target_name": "udp_rr",
          "type": "executable",
          "sources": ["lab/probes/udp_rr.c"],
          "cflags": ["-O2", "-Wall"]
        },
        {
          "target_name": "raw_ip_send",
          "type": "executable",
          "sources": ["lab/probes/raw_ip_send.c"],
          "cflags": ["-O2", "-Wall"]
        },
        {
          "target_name": "packet_vnet_send",
          "type": "executable",
          "sources": ["lab/probes/packet_vnet_send.c"],
          "cflags": ["-O2", "-Wall"]
        },
        {
          "target_name": "udp_gso_send",
          "type": "executable",
          "sources": ["lab/probes/udp_gso_send.c"],
          "cflags": ["-O2", "-Wall"]
        },
        {
          "target_name": "tap_uring",
          "type": "executable",
          "sources": ["lab/probes/tap_uring.c"],
          "cflags": ["-O2", "-Wall"]
        }
      ]
    }]
  ]
}
