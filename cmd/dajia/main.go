// Command dajia runs the dajia anti-counterfeiting platform.
package main

func main() {}
