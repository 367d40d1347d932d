COMMENT
Small-conductance Ca-activated K current (spec 4.7). The gate follows the internal Ca of the same
compartment with a 1 ms time constant (Hill coefficient 4.8, half activation 0.43 uM).
ENDCOMMENT

NEURON {
    SUFFIX SK
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gbar, g
    RANGE zinf, ztau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
    (mM) = (milli/liter)
}

PARAMETER {
    gbar = 0 (S/cm2)
    ztau = 1 (ms)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    cai (mM)
    g (S/cm2)
    zinf
}

STATE { z }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * z
    ik = g * (v - ek)
}

DERIVATIVE states {
    rates(cai)
    z' = (zinf - z) / ztau
}

INITIAL {
    rates(cai)
    z = zinf
}

PROCEDURE rates(ca (mM)) {
    LOCAL c
    c = ca
    if (c < 1e-7) {
        c = c + 1e-7
    }
    zinf = 1 / (1 + (0.00043 / c) ^ 4.8)
}
