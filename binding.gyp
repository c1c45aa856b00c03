{
  "targets": [
    {
      "target_name": "vtepd",
      "sources": [
        "native/addon.cc",
        "native/checksum.cc",
        "native/endpoint.cc",
        "native/fdb.cc",
        "native/gre_header.cc",
        "native/gre_rx_path.cc",
        "native/gre_socket.cc",
        "native/gre_tx_path.cc",
        "native/gretap_device.cc",
        "native/gretap_device_wrap.cc",
        "native/inner_ip.cc",
        "native/flow_hash.cc",
        "native/mac_address.cc",
        "native/rx_path.cc",
        "native/tap_device.cc",
        "native/tap_reader.cc",
        "native/tap_writer.cc",
        "native/tcp_coalescer.cc",
        "native/gso_segmenter.cc",
        "native/tx_path.cc",
        "native/udp_coalescer.cc",
        "native/udp_socket.cc",
        "native/underlay_options.cc",
        "native/vxlan_device.cc",
        "native/vxlan_device_wrap.cc",
        "native/vxlan_port.cc",
        "native/vxlan_ports.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fexceptions"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "udp_blast",
      "type": "executable",
      "sources": ["bench/tools/udp_blast.c"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "udp_rr",
      "type": "executable",
      "sources": ["bench/tools/udp_rr.c"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "raw_ip_send",
      "type": "executable",
      "sources": ["test/tools/raw_ip_send.c"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "packet_vnet_send",
      "type": "executable",
      "sources": ["test/tools/packet_vnet_send.c"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "udp_gso_send",
      "type": "executable",
      "sources": ["test/tools/udp_gso_send.c"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "native_micro",
      "type": "executable",
      "sources": [
        "bench/micro/native_micro.cc",
        "native/checksum.cc",
        "native/endpoint.cc",
        "native/fdb.cc",
        "native/gre_header.cc",
        "native/flow_hash.cc",
        "native/inner_ip.cc",
        "native/mac_address.cc",
        "native/tcp_coalescer.cc",
        "native/gso_segmenter.cc"
      ],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-fexceptions"]
    }
  ]
}
