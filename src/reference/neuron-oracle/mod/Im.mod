COMMENT
M current (spec 4.8): symmetric exponential rates around -35 mV, time constant divided by qt = 2.3^1.3.
ENDCOMMENT

NEURON {
    SUFFIX Im
    USEION k READ ek WRITE ik
    RANGE gbar, g
    RANGE minf, mtau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    minf
    mtau (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m
    ik = g * (v - ek)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
}

INITIAL {
    rates(v)
    m = minf
}

PROCEDURE rates(vm (mV)) {
    LOCAL a, b, qt
    qt = 2.3 ^ ((34 - 21) / 10)
    a = 3.3e-3 * exp(0.1 * (vm + 35))
    b = 3.3e-3 * exp(-0.1 * (vm + 35))
    minf = a / (a + b)
    mtau = 1 / (qt * (a + b))
}
