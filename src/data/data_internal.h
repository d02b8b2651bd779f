/* Private parts of the dataset module. */
#ifndef PLATEAU_DATA_INTERNAL_H
#define PLATEAU_DATA_INTERNAL_H

/* "OUT.parts", the folder of a run's finished points (free() it; NULL when
 * out of memory). */
char *data_parts_dir(const char *out);

/* "OUT.parts/point_NNNNNNN.h5", point i's part file (free() it; NULL when out
 * of memory). */
char *data_part_path(const char *out, int i);

#endif
