COMMENT
Kv3.1-like fast delayed rectifier (spec 4.6). No temperature factor.
ENDCOMMENT

NEURON {
    SUFFIX Kv31
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
    minf = 1 / (1 + exp(-(vm - 18.7) / 9.7))
    mtau = 4 / (1 + exp(-(vm + 46.56) / 44.14))
}
