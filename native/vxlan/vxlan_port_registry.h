// Every VXLAN port of the process, by address family and UDP port: a device joins the port
// that exists or opens it, and the port closes with its last device, as the kernel shares
// one socket per port among its vxlan devices.
#pragma once

#include <memory>
#include <vector>

#include "vxlan/vxlan_port.h"

namespace vtepd {

// The open port for options.family and options.port, or a new one built with `options`
// (queues, GRO and spinning are the first device's). Throws std::system_error.
std::shared_ptr<VxlanPort> AcquireVxlanPort(const VxlanPort::Options& options);

// The ports open now, for `vtepd port show`.
std::vector<std::shared_ptr<VxlanPort>> OpenVxlanPorts();

}  // namespace vtepd
