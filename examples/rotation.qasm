// A single-qubit rotation: ry(pi/3)|0> = cos(pi/6)|0> + sin(pi/6)|1>.
// <Z0> = cos(pi/3) = 0.5, <X0> = sin(pi/3) = 0.8660254037844386, <Y0> = 0.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[1];
ry(pi/3) q[0];
