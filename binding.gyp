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
  # The pure core (parsers, codecs, offload, FDB: bytes in, bytes out, no file descriptors) is
  # one static library that the addon, the native unit tests and the microbenchmarks link.
  "targets": [
    {
      "target_name": "vtepd_core",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "sources": [
        "native/net/checksum.cc",
        "native/net/endpoint.cc",
        "native/net/flow_hash.cc",
        "native/net/inner_ip.cc",
        "native/net/mac_address.cc",
        "native/net/mac_hash.cc",
        "native/net/neighbour_snoop.cc",
        "native/net/prefix.cc",
        "native/offload/gso_segmenter.cc",
        "native/offload/tcp_coalescer.cc",
        "native/offload/udp_coalescer.cc",
        "native/tap/tap_frame.cc",
        "native/tap/tap_ring_batch.cc",
        "native/gre/gre_header.cc",
        "native/geneve/geneve_header.cc",
        "native/l2tp/l2tp_header.cc",
        "native/vxlan/fdb.cc",
        "native/vxlan/local_macs.cc"
      ]
    },
    {
      "target_name": "vtepd",
      "dependencies": ["vtepd_core"],
      "sources": [
        "native/addon/addon.cc",
        "native/addon/geneve_device_wrap.cc",
        "native/addon/gretap_device_wrap.cc",
        "native/addon/l2tp_wrap.cc",
        "native/addon/vxlan_device_wrap.cc",
        "native/base/housekeeper.cc",
        "native/base/io_ring.cc",
        "native/base/worker_pool.cc",
        "native/base/sd_notify.cc",
        "native/net/datagram_batch.cc",
        "native/net/raw_ip_socket.cc",
        "native/net/tx_socket_pool.cc",
        "native/net/udp_tunnel_socket.cc",
        "native/net/underlay_options.cc",
        "native/tap/link_query.cc",
        "native/tap/tap_device.cc",
        "native/tap/tap_reader.cc",
        "native/tap/tap_writer.cc",
        "native/vxlan/vxlan_device.cc",
        "native/vxlan/vxlan_port.cc",
        "native/vxlan/vxlan_port_registry.cc",
        "native/vxlan/vxlan_rx_path.cc",
        "native/vxlan/vxlan_socket.cc",
        "native/vxlan/vxlan_tx_path.cc",
        "native/tunnel/peer_tx_path.cc",
        "native/gre/gre_rx_path.cc",
        "native/gre/gretap_device.cc",
        "native/geneve/geneve_device.cc",
        "native/geneve/geneve_port.cc",
        "native/geneve/geneve_rx_path.cc",
        "native/l2tp/l2tp_rx_path.cc",
        "native/l2tp/l2tp_session_device.cc",
        "native/l2tp/l2tp_socket.cc",
        "native/l2tp/l2tp_tunnel.cc"
      ],
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
          "sources": [
            "test/native/main.cc",
            "test/native/fdb_test.cc",
            "test/native/fdb_clock_test.cc",
            "test/native/geneve_demux_test.cc",
            "test/native/geneve_header_test.cc",
            "test/native/gre_header_test.cc",
            "test/native/gre_sequence_test.cc",
            "test/native/l2tp_header_test.cc",
            "test/native/l2tp_sequence_test.cc",
            "test/native/gso_segmenter_test.cc",
            "test/native/local_macs_test.cc",
            "test/native/neighbour_snoop_test.cc",
            "test/native/prefix_test.cc",
            "test/native/send_sockets_test.cc",
            "test/native/tap_frame_test.cc",
            "test/native/tap_ring_batch_test.cc",
            "test/native/tcp_coalescer_test.cc",
            "test/native/udp_coalescer_test.cc",
            "test/native/udp_gro_test.cc",
            "test/native/vxlan_tx_packing_test.cc",
            "test/native/worker_pool_test.cc",
            "native/base/worker_pool.cc"
          ],
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
